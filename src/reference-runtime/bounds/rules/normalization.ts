import { softmaxLanes } from '../../../opspec/ops/softmax.js';
import type { Tensor } from '../../../ir/tensor.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { expandToNormalized } from '../../cpu/kernels/layer-norm.js';
import { largest, unitRoundoff, type BoundRule } from '../bound-rule.js';
import { LIBRARY_UNITS } from './elementwise.js';

/** Beyond this error against the standard deviation, first-order propagation says nothing: the output is meaningless. */
const LINEAR_LIMIT = 0.25;

/** One group of elements that share their statistics: its element indices, and per element the scale and bias index. */
export interface Group {
  readonly elements: readonly number[];
  readonly gamma: (k: number) => number;
  readonly gammaBound: (k: number) => number;
  readonly betaBound: (k: number) => number;
}

/**
 * The bound on a normalization's output, (x_i - mean) / sqrt(var + eps) * gamma_i + beta_i, per
 * group of N elements, for a correct two-pass float32 computation and the errors b its inputs carry.
 * - Carried: |dy_i/dx_j| = |gamma_i| / s |delta_ij - 1/N - yhat_i yhat_j / N|, so the sum over j
 *   of it times b_j is at most |gamma_i| / s ((1 - 2/N) b_i + mean(b) + |yhat_i| mean(|yhat| b)),
 *   which is zero for N = 1: a plane of one element normalizes to its bias whatever it holds.
 * - Own: the mean of N values rounds N - 1 times (exact for N = 1); each deviation then carries the
 *   mean's error and its own rounding; the variance and the root their relative ones.
 * Past LINEAR_LIMIT of the standard deviation, the first-order bound is no bound: infinite.
 */
export function normalizationBound(x: Tensor, bound: Float64Array | undefined, groups: readonly Group[], epsilon: number, y: Tensor): Float64Array {
  const unit = unitRoundoff(y.dtype);
  const out = new Float64Array(y.data.length);
  for (const g of groups) {
    const n = g.elements.length;
    let sum = 0;
    let sumAbs = 0;
    for (const k of g.elements) {
      sum += x.data[k]!;
      sumAbs += Math.abs(x.data[k]!);
    }
    const mean = sum / n;
    let variance = 0;
    for (const k of g.elements) variance += (x.data[k]! - mean) ** 2;
    variance /= n;
    const s = Math.sqrt(variance + epsilon);
    // The mean's own rounding: n - 1 additions, and a division unless n is a power of two.
    const meanError = (n - 1) * unit * (sumAbs / n) + ((n & (n - 1)) === 0 ? 0 : unit * Math.abs(mean));
    let meanBound = 0;
    let weightedBound = 0;
    if (bound) {
      for (const k of g.elements) {
        meanBound += bound[k]! / n;
        weightedBound += (Math.abs(x.data[k]! - mean) / s) * bound[k]!;
      }
      weightedBound /= n;
    }
    // The variance's error from the deviations' (the mean's error cancels to first order), and its own.
    let devErrorSum = 0;
    for (const k of g.elements) devErrorSum += 2 * Math.abs(x.data[k]! - mean) * (meanError + unit * Math.abs(x.data[k]! - mean));
    const varianceError = devErrorSum / n + (n + 2) * unit * variance;
    const rootRelative = varianceError / (2 * s * s) + 2 * unit;
    for (const k of g.elements) {
      const dev = x.data[k]! - mean;
      const yhat = dev / s;
      const gk = Math.abs(g.gamma(k));
      const carried = bound ? (gk / s) * ((1 - 2 / n) * bound[k]! + meanBound + Math.abs(yhat) * weightedBound) : 0;
      const ownDeviation = meanError + unit * Math.abs(dev);
      const own = gk * (ownDeviation / s + Math.abs(yhat) * rootRelative) + 2 * unit * Math.abs(y.data[k]!);
      const total = carried + own + Math.abs(yhat) * g.gammaBound(k) + g.betaBound(k);
      // One element normalizes to its bias whatever it holds: nothing to be meaningless.
      const meaningless = n > 1 && (bound ? bound[k]! + meanBound : 0) + meanError > LINEAR_LIMIT * s;
      out[k] = meaningless ? Infinity : total;
    }
  }
  return out;
}

const at = (b: Float64Array | undefined) => (i: number) => b?.[i] ?? 0;

/** InstanceNormalization: each (batch, channel) plane with its channel's scale and bias. */
const instanceNorm: BoundRule = (args) => {
  const [x, scale] = args.inputs;
  const [, scaleBound, biasBound] = args.inputBounds;
  const channels = x!.shape[1]!;
  const size = x!.shape.slice(2).reduce((a, b) => a * b, 1);
  const groups: Group[] = [];
  for (let plane = 0; plane * size < x!.data.length; plane++) {
    const ch = plane % channels;
    groups.push({
      elements: Array.from({ length: size }, (_, i) => plane * size + i),
      gamma: () => scale!.data[ch]!,
      gammaBound: () => at(scaleBound)(ch),
      betaBound: () => at(biasBound)(ch),
    });
  }
  return [normalizationBound(x!, args.inputBounds[0], groups, args.attrs.float('epsilon'), args.outputs[0]!)];
};

/** LayerNormalization: each row of the trailing dims from `axis`, with Scale and B broadcast to it; Mean and InvStdDev too. */
const layerNorm: BoundRule = (args) => {
  const [x, scale, bias] = args.inputs;
  const rank = x!.shape.length;
  const axis = normalizeAxis(args.attrs.int('axis'), rank);
  const normalized = x!.shape.slice(axis);
  const size = normalized.reduce((a, b) => a * b, 1);
  const gamma = expandToNormalized(scale, normalized, size, 1);
  const gammaBound = args.inputBounds[1] ? expandToNormalized({ ...scale!, data: args.inputBounds[1] }, normalized, size, 0) : undefined;
  const betaBound = args.inputBounds[2] && bias ? expandToNormalized({ ...bias, data: args.inputBounds[2] }, normalized, size, 0) : undefined;
  const rows = x!.data.length / Math.max(1, size);
  const groups: Group[] = Array.from({ length: rows }, (_, r) => ({
    elements: Array.from({ length: size }, (_, i) => r * size + i),
    gamma: (k: number) => gamma[k - r * size]!,
    gammaBound: (k: number) => gammaBound?.[k - r * size] ?? 0,
    betaBound: (k: number) => betaBound?.[k - r * size] ?? 0,
  }));
  const y = normalizationBound(x!, args.inputBounds[0], groups, args.attrs.float('epsilon'), args.outputs[0]!);
  const results: (Float64Array | undefined)[] = [y];
  const unit = unitRoundoff(args.outputs[0]!.dtype);
  const xb = args.inputBounds[0];
  // Mean: its inputs' mean error and its own; InvStdDev: the root's relative error, generously.
  if (args.outputs[1]) {
    results.push(Float64Array.from(args.outputs[1].data, (m, r) => {
      let carried = 0;
      let sumAbs = 0;
      for (let i = 0; i < size; i++) {
        carried += (xb?.[r * size + i] ?? 0) / size;
        sumAbs += Math.abs(x!.data[r * size + i]!);
      }
      return carried + size * unit * (sumAbs / size) + unit * Math.abs(m);
    }));
  }
  if (args.outputs[2]) {
    results.push(Float64Array.from(args.outputs[2].data, (inv, r) => {
      const worst = largest(Array.from({ length: size }, (_, i) => y[r * size + i]! / Math.max(Math.abs(gamma[i]!), Number.MIN_VALUE)));
      return Math.abs(inv) * (Number.isFinite(worst) ? worst + 4 * unit : Infinity);
    }));
  }
  return results;
};

/**
 * BatchNormalization (inference): an elementwise function of x and its channel's scale, bias,
 * mean and variance. First order in each, plus the subtraction's, root's and product's roundings.
 */
const batchNorm: BoundRule = (args) => {
  const [x, scale, , mean, variance] = args.inputs;
  const [bx, bScale, bBias, bMean, bVar] = args.inputBounds;
  const y = args.outputs[0]!;
  const unit = unitRoundoff(y.dtype);
  const epsilon = args.attrs.float('epsilon');
  const channels = x!.shape[1]!;
  const inner = x!.shape.slice(2).reduce((a, b) => a * b, 1);
  return [Float64Array.from(y.data, (v, i) => {
    const ch = Math.floor(i / inner) % channels;
    const s = Math.sqrt(variance!.data[ch]! + epsilon);
    const dev = x!.data[i]! - mean!.data[ch]!;
    const g = Math.abs(scale!.data[ch]!);
    const devBound = at(bx)(i) + at(bMean)(ch) + unit * (Math.abs(x!.data[i]!) + Math.abs(mean!.data[ch]!));
    const rootBound = at(bVar)(ch) / (2 * s) + 2 * unit * s;
    if (rootBound > LINEAR_LIMIT * s) return Infinity;
    return (g / s) * devBound + (Math.abs(dev) * g * rootBound) / (s * s) + (Math.abs(dev) / s) * at(bScale)(ch) + at(bBias)(ch) + 3 * unit * Math.abs(v);
  })];
};

/**
 * Softmax: shifting every input of a row by at most B moves each output by a factor within
 * [e^-2B, e^2B]; its own error is the exps' and the sum's relative rounding. LogSoftmax: the same
 * shift moves each output by at most 2B, and its own error is absolute (the log of the sum).
 */
function softmaxLike(log: boolean): BoundRule {
  return (args) => {
    const x = args.inputs[0]!;
    const y = args.outputs[0]!;
    const unit = unitRoundoff(y.dtype);
    const { outer, len, inner } = softmaxLanes(x.shape, args.attrs);
    const bound = args.inputBounds[0];
    const out = new Float64Array(y.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let largest = 0;
        if (bound) for (let j = 0; j < len; j++) largest = Math.max(largest, bound[base + j * inner]!);
        const ownRelative = (len + 2 * LIBRARY_UNITS) * unit;
        for (let j = 0; j < len; j++) {
          const k = base + j * inner;
          const v = y.data[k]!;
          out[k] = log ? 2 * largest + ownRelative + LIBRARY_UNITS * unit * Math.abs(v) : Math.abs(v) * (Math.expm1(2 * largest) + ownRelative);
        }
      }
    }
    return [out];
  };
}

export const NORMALIZATION_RULES: Readonly<Record<string, BoundRule>> = {
  InstanceNormalization: instanceNorm,
  LayerNormalization: layerNorm,
  BatchNormalization: batchNorm,
  Softmax: softmaxLike(false),
  LogSoftmax: softmaxLike(true),
};
