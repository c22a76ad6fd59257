import { c, rule, TRUE, FALSE, constValue, type IntExpr } from '../expr.js';
import type { DType } from '../../ir/dtype.js';
import type { DomainRule, OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { ALL, NUMERIC } from './dtypes.js';

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

interface ReduceVersion {
  readonly sinceVersion: number;
  readonly supersededAt?: number;
  readonly dtypes?: readonly DType[];
  readonly domain?: readonly DomainRule[];
}

function versionFields(name: string, v: ReduceVersion) {
  return {
    name,
    sinceVersion: v.sinceVersion,
    ...(v.supersededAt !== undefined ? { supersededAt: v.supersededAt } : {}),
    dtypes: v.dtypes ?? NUMERIC,
    ...(v.domain ? { domain: v.domain } : {}),
  };
}

/** Reductions whose axes are an optional constant input (ReduceSum-13; every reduction from opset 18). */
function reduceWithAxesInput(name: string, v: ReduceVersion): OpSpec {
  return {
    ...versionFields(name, v),
    inputs: [
      { name: 'data', rank: [1, 5] },
      { name: 'axes', dtype: 'int64', rank: () => 1, optional: true, constantFrom: 'axes' },
    ],
    attrs: (ranks) => ({
      axes: { kind: 'axes', rank: ranks[0]!, count: [1, ranks[0]!] },
      keepdims: { kind: 'choice', choices: [0, 1], default: 1 },
      // Without an axes input, 1 makes the node an identity.
      noop_with_empty_axes: { kind: 'choice', choices: [0, 1], default: 0 },
    }),
    requires: (ctx) => [rule('axes are distinct and within the rank', reduceRules(ctx) ? TRUE : FALSE)],
    outputs: reduceOutputs,
  };
}

/** Reductions whose axes are an attribute (opset 13 to 17, except ReduceSum). */
function reduceWithAxesAttr(name: string, v: ReduceVersion): OpSpec {
  return {
    ...versionFields(name, v),
    inputs: [{ name: 'data', rank: [1, 5] }],
    attrs: (ranks) => ({
      axes: { kind: 'axes', rank: ranks[0]!, count: [1, ranks[0]!], optional: true },
      keepdims: { kind: 'choice', choices: [0, 1], default: 1 },
    }),
    requires: (ctx) => [rule('axes are distinct and within the rank', reduceRules(ctx) ? TRUE : FALSE)],
    outputs: reduceOutputs,
  };
}

/** The opset-13 version (axes attribute) and the opset-18 version (axes input) of a reduction. */
function reduce13and18(name: string, domain?: readonly DomainRule[], supersededAt18?: number): [OpSpec, OpSpec] {
  return [
    reduceWithAxesAttr(name, { sinceVersion: 13, supersededAt: 18, ...(domain ? { domain } : {}) }),
    reduceWithAxesInput(name, { sinceVersion: 18, ...(supersededAt18 ? { supersededAt: supersededAt18 } : {}), ...(domain ? { domain } : {}) }),
  ];
}

export const reduceSum = reduceWithAxesInput('ReduceSum', { sinceVersion: 13 });
export const [reduceMean, reduceMean18] = reduce13and18('ReduceMean');
// Factors within [-1, 1] never grow a product: no integer overflow (undefined in ONNX; onnxruntime
// saturates where numpy wraps), no float overflow, and no intermediate underflow that the order of
// multiplication would decide.
export const [reduceProd, reduceProd18] = reduce13and18('ReduceProd', [{ input: 0, min: -1, max: 1 }]);
export const [reduceL1, reduceL1v18] = reduce13and18('ReduceL1');
// Squares of |x| > ~1.8e19 overflow float32 although the norm itself would fit.
export const [reduceL2, reduceL2v18] = reduce13and18('ReduceL2', [{ input: 0, min: -1e17, max: 1e17 }]);
// Positive terms, as for Log: no cancellation in the sum, and no zero sum, whose -Inf an integer output
// cannot hold (onnxruntime gives INT_MIN there).
export const [reduceLogSum, reduceLogSum18] = reduce13and18('ReduceLogSum', [{ input: 0, min: 1e-3 }]);
// exp() of float32 overflows past ~88.7 and underflows below ~-87; 80 leaves room for 4096 summed terms.
export const [reduceLogSumExp, reduceLogSumExp18] = reduce13and18('ReduceLogSumExp', [{ input: 0, min: -80, max: 80 }]);
export const [reduceSumSquare, reduceSumSquare18] = reduce13and18('ReduceSumSquare');
// ReduceMax and ReduceMin changed again at opset 20 to accept bool.
export const [reduceMax, reduceMax18] = reduce13and18('ReduceMax', undefined, 20);
export const [reduceMin, reduceMin18] = reduce13and18('ReduceMin', undefined, 20);
export const reduceMax20 = reduceWithAxesInput('ReduceMax', { sinceVersion: 20, dtypes: ALL });
export const reduceMin20 = reduceWithAxesInput('ReduceMin', { sinceVersion: 20, dtypes: ALL });

/** Every reduction spec, every version. */
export const REDUCE_SPECS: readonly OpSpec[] = [
  reduceSum,
  reduceMean, reduceMean18,
  reduceProd, reduceProd18,
  reduceL1, reduceL1v18,
  reduceL2, reduceL2v18,
  reduceLogSum, reduceLogSum18,
  reduceLogSumExp, reduceLogSumExp18,
  reduceSumSquare, reduceSumSquare18,
  reduceMax, reduceMax18, reduceMax20,
  reduceMin, reduceMin18, reduceMin20,
];
