import { floatFormat } from '../../../ir/float-format.js';
import type { Tensor } from '../../../ir/tensor.js';
import { largest, unitRoundoff, withFloats, type BoundArgs, type BoundRule } from '../bound-rule.js';
import { nonNegativeSums } from '../combinators.js';
import { LIBRARY_UNITS } from './elementwise.js';

const size = (t: Tensor | undefined) => t?.data.length ?? 0;
const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Elements of the input folded into one output element: input size over output size (at least 1). */
function foldedPerOutput(args: BoundArgs): number {
  return Math.max(1, size(args.inputs[0]) / Math.max(1, size(args.outputs[0])));
}

/** The kernel's window size (pools). */
function window(args: BoundArgs): number {
  return args.attrs.has('kernel_shape') ? product(args.attrs.ints('kernel_shape')) : product(args.inputs[0]!.shape.slice(2));
}

/** A dot product of length k rounds k times (k products, k - 1 sums), plus one for a bias. */
const matMul: BoundRule = nonNegativeSums({ data: [0, 1], roundings: (a) => a.inputs[0]!.shape.at(-1)! + 1 });

const gemm: BoundRule = nonNegativeSums({
  data: [0, 1, 2],
  roundings: (a) => (a.attrs.int('transA') === 1 ? a.inputs[0]!.shape[0]! : a.inputs[0]!.shape[1]!) + 3,
  attrs: (attrs) => withFloats(attrs, { alpha: Math.abs(attrs.float('alpha')), beta: Math.abs(attrs.float('beta')) }),
});

/** Conv: each output is a dot product over the input channels of its group and the kernel window, plus the bias. */
const conv: BoundRule = nonNegativeSums({ data: [0, 1, 2], roundings: (a) => product(a.inputs[1]!.shape.slice(1)) + 2 });

/** ConvTranspose: each output gathers at most (input channels of its group) x (kernel window) products. */
const convTranspose: BoundRule = nonNegativeSums({ data: [0, 1, 2], roundings: (a) => a.inputs[1]!.shape[0]! * product(a.inputs[1]!.shape.slice(2)) + 2 });

/** Sums over the reduced elements (a mean divides once more). */
const reducedSum = (extra: number): BoundRule => nonNegativeSums({ data: [0], roundings: (a) => foldedPerOutput(a) + extra });

/** Norms: the sum of squares or powers, then the root (a library pow for p other than 2). */
const norm = (extra: number): BoundRule => nonNegativeSums({ data: [0], roundings: (a) => 2 * foldedPerOutput(a) + extra });

/** The variadic Sum and Mean: n - 1 additions (and a division). */
const variadic = (extra: number): BoundRule =>
  nonNegativeSums({ data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], roundings: (a) => a.inputs.filter(Boolean).length + extra });

/**
 * ReduceLogSum: log of a sum S that is off by at most bS, so off by at most -log(1 - bS / |S|)
 * (infinite when bS reaches |S|), plus log's own error.
 */
const reduceLogSum: BoundRule = (args) => {
  const s = args.rerun(args.inputs, { op: 'ReduceSum' })[0]!;
  const asSum: BoundArgs = { ...args, rerun: (inputs, options) => args.rerun(inputs, { ...options, op: 'ReduceSum' }), outputs: [s] };
  const sum = reducedSum(0)(asSum)[0]!;
  const y = args.outputs[0]!;
  const unit = unitRoundoff(y.dtype);
  return [Float64Array.from(y.data, (v, i) => {
    const relative = sum[i]! / Math.abs(s.data[i]!);
    return (relative >= 1 ? Infinity : -Math.log1p(-relative)) + LIBRARY_UNITS * unit * (1 + Math.abs(v));
  })];
};

/**
 * ReduceLogSumExp moves by at most the largest error in its group (it is 1-Lipschitz in the max
 * norm); its own error is the sum's relative rounding, absolute in the log, and the exps' and log's.
 */
const reduceLogSumExp: BoundRule = (args) => {
  const y = args.outputs[0]!;
  const unit = unitRoundoff(y.dtype);
  const n = foldedPerOutput(args);
  const own = Float64Array.from(y.data, (v) => (n + 2 * LIBRARY_UNITS) * unit + LIBRARY_UNITS * unit * Math.abs(v));
  const bound = args.inputBounds[0];
  if (!bound) return [own];
  const largest = args.rerun([{ ...args.inputs[0]!, data: bound }, ...args.inputs.slice(1)], { op: 'ReduceMax' })[0]!;
  return [Float64Array.from(own, (o, i) => o + largest.data[i]!)];
};

/** LpPool: the p-norm of each window, computed with library powers. */
const lpPool: BoundRule = nonNegativeSums({ data: [0], roundings: (a) => 2 * window(a) + 2 * LIBRARY_UNITS });

/** AveragePool sums its window and divides; GlobalAveragePool the whole plane. */
const averagePool: BoundRule = nonNegativeSums({ data: [0], roundings: (a) => window(a) + 1 });

/** CumSum: the longest running sum is the whole axis. */
const cumSum: BoundRule = nonNegativeSums({ data: [0], roundings: (a) => largest(a.inputs[0]!.shape) || 1 });

/** ReduceProd: n - 1 products, each exact to a relative rounding. */
const reduceProd: BoundRule = nonNegativeSums({ data: [0], roundings: (a) => foldedPerOutput(a) });

/** The smallest normal float32: a square or power below it may flush to zero in a float32 SUT. */

/**
 * A float32 (float16) norm or sum of squares loses the terms that underflow (a square below the smallest
 * normal flushes to zero): up to `lost` more error, whatever the terms' bounds say. ReduceL2 of
 * values of 3e-24 is 4e-24 exactly, and 0 in float32.
 */
function withUnderflow(rule: BoundRule, lost: (args: BoundArgs, minNormal: number) => number): BoundRule {
  return (args) => {
    const [bound] = rule(args);
    const out = args.outputs[0]!.dtype;
    if (!bound || (out !== 'float32' && out !== 'float16')) return [bound];
    const extra = lost(args, floatFormat(out)!.minNormal);
    return [Float64Array.from(bound, (b) => b + extra)];
  };
}

export const SUM_RULES: Readonly<Record<string, BoundRule>> = {
  MatMul: matMul,
  Gemm: gemm,
  Conv: conv,
  ConvTranspose: convTranspose,
  ReduceSum: reducedSum(0),
  ReduceMean: reducedSum(1),
  ReduceL1: reducedSum(0),
  ReduceL2: withUnderflow(norm(1), (a, minNormal) => Math.sqrt(foldedPerOutput(a) * minNormal)),
  ReduceSumSquare: withUnderflow(norm(0), (a, minNormal) => foldedPerOutput(a) * minNormal),
  ReduceProd: reduceProd,
  ReduceLogSum: reduceLogSum,
  ReduceLogSumExp: reduceLogSumExp,
  AveragePool: averagePool,
  GlobalAveragePool: averagePool,
  LpPool: withUnderflow(lpPool, (a, minNormal) => (window(a) * minNormal) ** (1 / (a.attrs.has('p') ? a.attrs.int('p') : 2))),
  CumSum: cumSum,
  Sum: variadic(0),
  Mean: variadic(1),
};
