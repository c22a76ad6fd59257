import { c, rule, TRUE, FALSE, constValue, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { NUMERIC } from './dtypes.js';

/** The axes a reduction reduces, normalized; undefined when they are out of range or repeated. */
export function reducedAxes(rank: number, axes: readonly number[] | undefined, noopWithEmptyAxes: boolean): number[] | undefined {
  if (axes === undefined || axes.length === 0) return noopWithEmptyAxes ? [] : [...Array(rank).keys()];
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  if (out.some((a) => a < 0 || a >= rank) || new Set(out).size !== out.length) return undefined;
  return out.sort((a, b) => a - b);
}

function readAxes(ctx: SpecContext): number[] | undefined {
  return ctx.has('axes') ? allConst(ctx.ints('axes')) : undefined;
}

function reduceRules(ctx: SpecContext) {
  const rank = ctx.inputs[0]!.shape.length;
  const noop = ctx.has('noop_with_empty_axes') && constValue(ctx.int('noop_with_empty_axes')) === 1;
  return reducedAxes(rank, readAxes(ctx), noop);
}

function reduceOutputs(ctx: SpecContext) {
  const x = ctx.inputs[0]!;
  const axes = reduceRules(ctx)!;
  const keep = constValue(ctx.int('keepdims')) !== 0;
  const shape: IntExpr[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) shape.push(d);
    else if (keep) shape.push(c(1));
  });
  return [{ dtype: x.dtype, shape }];
}

/** Reductions whose axes are an input (opset 13 ReduceSum; opset 18 all reductions). */
function reduceWithAxesInput(name: string, sinceVersion: number): OpSpec {
  return {
    name,
    sinceVersion,
    dtypes: NUMERIC,
    inputs: [
      { name: 'data', rank: [1, 5] },
      { name: 'axes', dtype: 'int64', rank: () => 1, optional: true, constantFrom: 'axes' },
    ],
    attrs: (ranks) => ({
      axes: { kind: 'axes', rank: ranks[0]!, count: [1, ranks[0]!] },
      keepdims: { kind: 'choice', choices: [0, 1], default: 1 },
      noop_with_empty_axes: { kind: 'choice', choices: [0], default: 0 },
    }),
    requires: (ctx) => [rule('axes are distinct and within the rank', reduceRules(ctx) ? TRUE : FALSE)],
    outputs: reduceOutputs,
  };
}

/** Reductions whose axes are an attribute (opset 13 to 17, except ReduceSum). */
function reduceWithAxesAttr(name: string, sinceVersion: number): OpSpec {
  return {
    name,
    sinceVersion,
    dtypes: NUMERIC,
    inputs: [{ name: 'data', rank: [1, 5] }],
    attrs: (ranks) => ({
      axes: { kind: 'axes', rank: ranks[0]!, count: [1, ranks[0]!], optional: true },
      keepdims: { kind: 'choice', choices: [0, 1], default: 1 },
    }),
    requires: (ctx) => [rule('axes are distinct and within the rank', reduceRules(ctx) ? TRUE : FALSE)],
    outputs: reduceOutputs,
  };
}

export const reduceSum = reduceWithAxesInput('ReduceSum', 13);
export const reduceMean = reduceWithAxesAttr('ReduceMean', 13);
