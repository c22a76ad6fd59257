import { c, constValue, eq, FALSE, le, rule, sub, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';
import { indicesAlong } from './index-values.js';
import { boolReductionRule, scatterFacts, scatterReductions } from './scatter-facts.js';

function scatterAxis(ctx: SpecContext): number | undefined {
  const r = ctx.inputs[0]!.shape.length;
  const axis = constValue(ctx.int('axis'))!;
  return axis >= -r && axis < r ? (axis < 0 ? axis + r : axis) : undefined;
}

const reductionOf = (ctx: SpecContext, version: number) => (version >= 16 ? ctx.str('reduction') : 'none');

/**
 * ScatterElements (11, 13; reduction add/mul from 16, max/min from 18), and Scatter-9, its older
 * name (opsets 9 and 10; no negative axis or indices): output = data, with
 * output[..., indices[i, j, ...], ...] = updates[i, j, ...] along `axis` (or reduced into it).
 * Without a reduction ONNX leaves repeated indices undefined, so the generator draws distinct ones
 * along each line of the axis.
 */
function scatterElements(name: 'ScatterElements' | 'Scatter', version: number, supersededAt?: number): OpSpec {
  const negatives = name === 'ScatterElements';
  const indexRange = (ctx: SpecContext): readonly [IntExpr, IntExpr] => {
    const s = ctx.inputs[0]!.shape[scatterAxis(ctx) ?? 0]!;
    return [negatives ? sub(0, s) : c(0), sub(s, 1)];
  };
  return {
    name,
    sinceVersion: version,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [
      { name: 'data', rank: [1, 6] },
      {
        name: 'indices',
        dtypes: ['int32', 'int64'],
        rank: (r) => r[0]!,
        valueRange: indexRange,
        drawValues: (ctx, shape, draw) => {
          const axis = scatterAxis(ctx)!;
          const size = constValue(ctx.inputs[0]!.shape[axis]!)!;
          return indicesAlong(shape, axis, size, draw, { distinct: reductionOf(ctx, version) === 'none', negatives });
        },
      },
      { name: 'updates', rank: (r) => r[0]! },
    ],
    attrs: (ranks) => {
      const r = ranks[0]!;
      const axes = [...Array(r).keys()];
      const attrs: Record<string, AttrSpec> = {
        axis: { kind: 'choice', choices: negatives ? [...axes.map((a) => a - r), ...axes] : axes, default: 0 },
      };
      if (version >= 16) attrs.reduction = { kind: 'string', choices: scatterReductions(version), default: 'none' };
      return attrs;
    },
    requires: (ctx) => {
      const [data, indices, updates] = ctx.inputs;
      const r = data!.shape.length;
      const axis = scatterAxis(ctx);
      const low = negatives ? -r : 0;
      const given = constValue(ctx.int('axis'))!;
      if (axis === undefined || given < low) return [rule(`axis in [${low}, ${r - 1}]`, FALSE)];
      const rules: BoolExpr[] = [rule(`axis in [${low}, ${r - 1}]`, TRUE), ...boolReductionRule(ctx, reductionOf(ctx, version))];
      indices!.shape.forEach((d, i) => {
        rules.push(rule(`updates dim ${i} = indices dim ${i}`, eq(updates!.shape[i]!, d)));
        // Off the axis an update lands at its own position; along it, distinct indices need room.
        if (i !== axis || reductionOf(ctx, version) === 'none') rules.push(rule(`indices dim ${i} <= data dim ${i}`, le(d, data!.shape[i]!)));
      });
      return rules;
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    numeric: scatterFacts(version),
  };
}

export const scatter9 = scatterElements('Scatter', 9, 11);
export const scatterElements11 = scatterElements('ScatterElements', 11, 13);
export const scatterElements13 = scatterElements('ScatterElements', 13, 16);
export const scatterElements16 = scatterElements('ScatterElements', 16, 18);
export const scatterElements18 = scatterElements('ScatterElements', 18);
