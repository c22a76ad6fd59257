import { c, rule, TRUE, FALSE, constValue, type IntExpr } from '../expr.js';
import type { DType } from '../../ir/dtype.js';
import { interval, type Interval } from '../interval.js';
import { facts, type NumericFacts } from '../numeric.js';
import { SQUARES_FIT_FLOAT32 } from './squares.js';
import { bounded } from '../ranges.js';
import type { DomainRule, OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { FLOATS_AND_WIDE_SIGNED, WIDE_NUMERIC } from './dtypes.js';
import { nonNegativeAxes, olderVersions, type OlderVersion } from './versions.js';

/** ReduceMax and ReduceMin take 8-bit integers too. */
const ORDERED_REDUCIBLE: readonly DType[] = [...WIDE_NUMERIC, 'int8', 'uint8'];

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
  readonly numeric: NumericFacts;
}

function versionFields(name: string, v: ReduceVersion) {
  return {
    name,
    sinceVersion: v.sinceVersion,
    ...(v.supersededAt !== undefined ? { supersededAt: v.supersededAt } : {}),
    dtypes: v.dtypes ?? WIDE_NUMERIC,
    ...(v.domain ? { domain: v.domain } : {}),
    numeric: v.numeric,
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
function reduce13and18(name: string, numeric: NumericFacts, domain?: readonly DomainRule[], supersededAt18?: number, dtypes?: readonly DType[]): [OpSpec, OpSpec] {
  const common = { numeric, ...(domain ? { domain } : {}), ...(dtypes ? { dtypes } : {}) };
  return [
    reduceWithAxesAttr(name, { sinceVersion: 13, supersededAt: 18, ...common }),
    reduceWithAxesInput(name, { sinceVersion: 18, ...(supersededAt18 ? { supersededAt: supersededAt18 } : {}), ...common }),
  ];
}

/** Sums of many in-range integers leave the range. */
const sums = facts({ overflow: 'grows' });
/** Sums of non-negative terms: never negative, and they grow. */
const nonNegativeSums = facts({ range: bounded(0, Infinity), overflow: 'grows' });
/** The output picks an input element: the largest (smallest), so every input is at most (least) it. */
const picks = (bound: (out: Interval) => Interval): NumericFacts =>
  facts({ range: { forward: ([x]) => x!, backward: (out) => [bound(out)] }, exactness: { kind: 'copies' } });
const largest = picks((out) => interval(-Infinity, out.hi));
const smallest = picks((out) => interval(out.lo, Infinity));

export const reduceSum = reduceWithAxesInput('ReduceSum', { sinceVersion: 13, numeric: sums });
export const [reduceMean, reduceMean18] = reduce13and18('ReduceMean', facts({ range: { forward: ([x]) => interval(x!.lo, x!.hi) } }));
// Factors within [-1, 1] never grow a product: no integer overflow (undefined in ONNX; onnxruntime
// saturates where numpy wraps), no float overflow, and no intermediate underflow that the order of
// multiplication would decide.
export const [reduceProd, reduceProd18] = reduce13and18('ReduceProd', facts({ overflow: 'grows' }), [{ input: 0, min: -1, max: 1 }]);
export const [reduceL1, reduceL1v18] = reduce13and18('ReduceL1', nonNegativeSums);
// The norm of n elements reaches sqrt(n) times the largest.
export const [reduceL2, reduceL2v18] = reduce13and18('ReduceL2', nonNegativeSums, SQUARES_FIT_FLOAT32);
// Positive terms, as for Log: no cancellation in the sum, and no zero sum, whose -Inf an integer output
// cannot hold (onnxruntime gives INT_MIN there).
// ONNX's function body of ReduceLogSum-18 applies Log to the sum, which no unsigned type may reach:
// a runtime that expands it (onnxruntime) refuses the model, so unsigned sums are not generated.
export const [reduceLogSum, reduceLogSum18] = reduce13and18('ReduceLogSum', facts({ overflow: 'edge-cases' }), [{ input: 0, min: 1e-3 }], undefined, FLOATS_AND_WIDE_SIGNED);
// exp() of float32 overflows past ~88.7 and underflows below ~-87; 80 leaves room for 4096 summed terms.
// An integer result is at least the largest element and up to log(n) more: past INT_MAX near it.
export const [reduceLogSumExp, reduceLogSumExp18] = reduce13and18('ReduceLogSumExp', facts({ overflow: 'edge-cases' }), [{ input: 0, min: -80, max: 80 }]);
export const [reduceSumSquare, reduceSumSquare18] = reduce13and18('ReduceSumSquare', nonNegativeSums);
// ReduceMax and ReduceMin changed again at opset 20 to accept bool.
export const [reduceMax, reduceMax18] = reduce13and18('ReduceMax', largest, undefined, 20);
export const [reduceMin, reduceMin18] = reduce13and18('ReduceMin', smallest, undefined, 20);
export const reduceMax20 = reduceWithAxesInput('ReduceMax', { sinceVersion: 20, dtypes: [...ORDERED_REDUCIBLE, 'bool'], numeric: largest });
export const reduceMin20 = reduceWithAxesInput('ReduceMin', { sinceVersion: 20, dtypes: [...ORDERED_REDUCIBLE, 'bool'], numeric: smallest });

/** Reduce-1 takes no negative axes (11 does); ReduceMax-12 and ReduceMin-12 add 8-bit integers, 13 bfloat16. */
function olderReductions(spec13: OpSpec, twelve: boolean): OpSpec[] {
  const versions: OlderVersion[] = [[1, nonNegativeAxes(spec13, ['axes'])], 11, ...(twelve ? [12] : [])];
  return olderVersions(spec13, versions);
}

// ReduceSum's axes became an input at 13, the other reductions' at 18.
const reduceSum11 = reduceWithAxesAttr('ReduceSum', { sinceVersion: 11, supersededAt: 13, numeric: sums });

/** Every reduction spec, every version. */
export const REDUCE_SPECS: readonly OpSpec[] = [
  ...olderVersions(reduceSum11, [[1, nonNegativeAxes(reduceSum11, ['axes'])]]),
  reduceSum11,
  ...[reduceMean, reduceProd, reduceL1, reduceL2, reduceLogSum, reduceLogSumExp, reduceSumSquare].flatMap((spec) => olderReductions(spec, false)),
  ...[reduceMax, reduceMin].flatMap((spec) => olderReductions(spec, true)),
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
