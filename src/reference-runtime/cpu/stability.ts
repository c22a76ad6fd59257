import { isFloatDType, type DType } from '../../ir/dtype.js';
import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import { elementwiseJump, nearestJump, type Conditioning, type Discontinuity, type JumpLocation, type RequantizedValue } from '../../opspec/numeric.js';
import { normalizeAxis } from '../../opspec/shapes.js';
import type { Tensor } from '../../ir/tensor.js';
import { axisSample, gridSampleOptions } from './kernels/grid-sample.js';
import { broadcastShape, broadcastStrides, forEachBroadcast, splitAt } from './indexing.js';
import { qlinearConvReals, qlinearMatMulReals } from './kernels/qlinear.js';
import { dynamicReals, quantizeReals, type Requantization } from './kernels/requantize.js';

/**
 * Discontinuous ops (Floor, comparisons, ArgMax...) turn a rounding-size difference between the
 * float64 reference and a float32 SUT into a different result. These checks say when an op's inputs
 * lie within a small margin of a discontinuity its spec declares, so that the test is not trusted
 * there. A value exactly on the boundary counts as stable: it usually comes from exact arithmetic
 * (Relu's zeros).
 */
export type StabilityCheck = (inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs, outputs: readonly ConcreteType[]) => string | undefined;

/** Relative distance to a discontinuity below which a float32 SUT may land on the other side. */
export const STABILITY_MARGIN = 1e-4;

function isFloat(t: Tensor | undefined): t is Tensor {
  return t !== undefined && isFloatDType(t.dtype);
}

function near(x: number, boundary: number, scale = Math.abs(x)): boolean {
  const d = Math.abs(x - boundary);
  return d > 0 && d <= STABILITY_MARGIN * Math.max(1, scale);
}

/** Elementwise: some element is near a boundary that `boundaryOf` gives for it. */
function elementwise(what: string, boundaryOf: (x: number) => number): StabilityCheck {
  return ([x]) => {
    if (!isFloat(x)) return undefined;
    for (const v of x.data) if (near(v, boundaryOf(v))) return `an input is within ${STABILITY_MARGIN} of ${what} (${v})`;
    return undefined;
  };
}

const JUMP_NAMES: Readonly<Record<JumpLocation, string>> = { integer: 'an integer', 'half-integer': 'a half-integer', zero: 'zero' };

/** The first message `test` gives for a pair of elements of two float tensors under broadcasting. */
function firstBroadcastPair(
  [a, b]: readonly (Tensor | undefined)[],
  test: (x: number, y: number) => string | undefined,
): string | undefined {
  if (!isFloat(a) || !isFloat(b)) return undefined;
  const shape = broadcastShape(a.shape, b.shape);
  let found: string | undefined;
  forEachBroadcast(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)], (_i, [ia, ib]) => {
    found ??= test(a.data[ia!]!, b.data[ib!]!);
  });
  return found;
}

function comparison(inputs: readonly (Tensor | undefined)[]): string | undefined {
  return firstBroadcastPair(inputs, (x, y) =>
    near(x, y, Math.max(Math.abs(x), Math.abs(y))) ? `compared values ${x} and ${y} are within the margin` : undefined,
  );
}

/** ArgMax/ArgMin: the best and the runner-up along the axis are nearly (not exactly) equal. */
function argExtreme([x]: readonly (Tensor | undefined)[], attrs: ConcreteAttrs): string | undefined {
  if (!isFloat(x)) return undefined;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const values = Array.from({ length: len }, (_, j) => x.data[o * len * inner + j * inner + i]!).sort((p, q) => q - p);
      for (let j = 1; j < len; j++) {
        if (near(values[j - 1]!, values[j]!)) return `two candidates ${values[j - 1]} and ${values[j]} are within the margin`;
      }
    }
  }
  return undefined;
}

/** Float remainder: the quotient a / b is nearly an integer. */
function quotient(inputs: readonly (Tensor | undefined)[]): string | undefined {
  return firstBroadcastPair(inputs, (x, y) => {
    const q = x / y;
    return near(q, Math.round(q)) ? `the quotient ${q} is within the margin of an integer` : undefined;
  });
}

/** The real values a quantization op rounds, computed as its kernel computes them. */
function requantization(of: RequantizedValue, inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs, outputs: readonly ConcreteType[]): Requantization | undefined {
  const out = outputs[0];
  if (!out || !inputs[0]) return undefined;
  switch (of) {
    case 'quotient':
      return quantizeReals(inputs, attrs, out.dtype);
    case 'dynamic':
      return dynamicReals(inputs[0]);
    case 'conv':
      return qlinearConvReals(inputs, attrs, out);
    case 'matmul':
      return qlinearMatMulReals(inputs, attrs, out);
  }
}

/** How many units of the op's own precision around a tie a SUT's rounding of the real may reach. */
const TIE_UNITS = 8;

/**
 * A quantization op: some real value it rounds half to even lies within its SUT's own rounding of a
 * tie (x / scale within float32 division error of 2.5; a QLinearConv sum times a float32 multiplier
 * that onnxruntime forms with other roundings), where the integer result may be one off either
 * way. Ties whose two sides both saturate to the same value are no matter. An exact tie of a
 * quotient counts as stable (a float32 division that lands on it rounds to even like the
 * reference); one of a requantized sum does not, since the SUT's multiplier need not be the
 * reference's.
 */
function requantizeCheck(of: RequantizedValue): StabilityCheck {
  return (inputs, attrs, outputs) => {
    const q = requantization(of, inputs, attrs, outputs);
    if (!q) return undefined;
    const [lo, hi] = q.range;
    for (let i = 0; i < q.reals.length; i++) {
      const r = q.reals[i]!;
      if (!Number.isFinite(r)) continue;
      const n = Math.floor(r);
      const zp = q.zeroPoints[i]!;
      if (n + zp >= hi || n + 1 + zp <= lo) continue;
      const d = Math.abs(r - (n + 0.5));
      const margin = TIE_UNITS * q.precision * Math.max(1, Math.abs(r));
      if (d <= margin && (d > 0 || of === 'conv' || of === 'matmul')) return `the value ${r} it rounds is within ${margin.toExponential(1)} of the tie ${n + 0.5}`;
    }
    return undefined;
  };
}

/** GridSample's nearest mode: some grid coordinate, unnormalized and padded, is nearly (not exactly) a rounding tie. */
function sampleRounding([x, grid]: readonly (Tensor | undefined)[], attrs: ConcreteAttrs): string | undefined {
  if (!x || !isFloat(grid)) return undefined;
  const o = gridSampleOptions(attrs);
  if (o.mode !== 'nearest') return undefined;
  const dims = x.shape.slice(2);
  const r = dims.length;
  for (let i = 0; i < grid.data.length; i++) {
    const size = dims[r - 1 - (i % r)]!;
    const { coord } = axisSample(grid.data[i]!, size, o);
    if (near(coord, Math.floor(coord) + 0.5, size)) return `a nearest sample's coordinate ${coord} is within the margin of a rounding tie`;
  }
  return undefined;
}

/**
 * The check for a declared discontinuity of a node whose first output has `outputDtype` (Cast's
 * jumps depend on it), or undefined where there is nothing to check on the inputs: continuous ops,
 * and window extremes, which only the rounding probe sees.
 */
export function stabilityCheck(d: Discontinuity, outputDtype: DType): StabilityCheck | undefined {
  const at = elementwiseJump(d, outputDtype);
  if (at) return elementwise(JUMP_NAMES[at], (x) => nearestJump(at, x));
  switch (d.kind) {
    case 'comparison':
      return comparison;
    case 'arg-extreme':
      return argExtreme;
    case 'quotient':
      return quotient;
    case 'requantize':
      return requantizeCheck(d.of);
    case 'sample-rounding':
      return sampleRounding;
    case 'own':
      return (inputs, attrs) => d.near(inputs, attrs, STABILITY_MARGIN);
    default:
      return undefined;
  }
}

/** Relative float32 rounding of an input (an ulp). */
const FLOAT32_ROUNDING = 2 ** -23;
/**
 * Input rounding amplified past this, in units of the normalized output, is more than the float32
 * tolerance (1e-4 absolute at unit scale) can absorb.
 */
const CONDITION_LIMIT = 1e-4;

/**
 * Whether a node's inputs amplify float32 rounding beyond the oracle's tolerance (see Conditioning).
 * `computed[i]` says whether input i was computed by a node (and so carries a float32 SUT's
 * rounding) rather than fed as a graph input or weight.
 */
export function conditioningCheck(c: Conditioning): (inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs, computed: readonly boolean[]) => string | undefined {
  return c.kind === 'remainder' ? (inputs, _attrs, computed) => remainderConditioning(inputs, computed) : (inputs, attrs) => normalizationConditioning(c, inputs, attrs);
}

/**
 * A normalization whose inputs are large against the standard deviation it divides by: their
 * float32 rounding, amplified by 1 / sqrt(var + epsilon), is beyond the oracle's tolerance, so a
 * float32 SUT may rightly differ (one that folds the mean into a bias is off by much more than a
 * rounding).
 */
function normalizationConditioning(c: Conditioning & { kind: 'normalization' }, inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs): string | undefined {
  const worst = normalizationRounding(c, inputs, attrs);
  return worst && worst.amplified > CONDITION_LIMIT
    ? `inputs up to ${worst.maxAbs} against a standard deviation of ${worst.deviation} amplify float32 rounding to ${worst.amplified.toExponential(1)}`
    : undefined;
}

/**
 * The absolute error one float32 rounding of a normalization's inputs leaves in its outputs, at the
 * worst group of elements that share their statistics: the rounding probe nudges the outputs by it,
 * since a later op may amplify it again (a LayerNormalization of nearly equal values).
 */
export function normalizationRounding(
  c: Conditioning & { kind: 'normalization' },
  inputs: readonly (Tensor | undefined)[],
  attrs: ConcreteAttrs,
): { amplified: number; maxAbs: number; deviation: number } | undefined {
  const x = inputs[0];
  if (!isFloat(x) || x.shape.length < 2) return undefined;
  const epsilon = attrs.float('epsilon');
  const scale = inputs[1];
  const gain = scale ? Math.max(1e-30, ...Array.from(scale.data, Math.abs)) : 1;
  let worst: { amplified: number; maxAbs: number; deviation: number } | undefined;
  for (const { start, size, stride, channel } of statisticGroups(c, x, attrs)) {
    let maxAbs = 0;
    let sum = 0;
    for (let k = 0; k < size; k++) {
      const v = x.data[start + k * stride]!;
      maxAbs = Math.max(maxAbs, Math.abs(v));
      sum += v;
    }
    let variance: number;
    if (c.statistics === 'given') {
      const mean = inputs[3]?.data[channel] ?? 0;
      maxAbs = Math.max(maxAbs, Math.abs(mean));
      variance = inputs[4]?.data[channel] ?? 0;
    } else {
      const mean = sum / size;
      variance = 0;
      for (let k = 0; k < size; k++) variance += (x.data[start + k * stride]! - mean) ** 2;
      variance /= size;
    }
    const amplified = (maxAbs * FLOAT32_ROUNDING * gain) / Math.sqrt(variance + epsilon);
    if (!worst || amplified > worst.amplified) worst = { amplified, maxAbs, deviation: Math.sqrt(variance) };
  }
  return worst;
}

/**
 * A float remainder x - trunc(x / y) * y of a computed dividend (or by a computed divisor, which
 * the quotient multiplies) holds an absolute error of about |x| float32 roundings, whatever the
 * remainder's own size: beyond the tolerance once |x| passes about 840.
 */
function remainderConditioning(inputs: readonly (Tensor | undefined)[], computed: readonly boolean[]): string | undefined {
  const [x, y] = inputs;
  if (!isFloat(x) || !isFloat(y) || !(computed[0] || computed[1])) return undefined;
  let maxAbs = 0;
  for (const v of x.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const carried = maxAbs * FLOAT32_ROUNDING;
  return carried > CONDITION_LIMIT ? `a dividend up to ${maxAbs} carries float32 rounding of ${carried.toExponential(1)} into its remainder` : undefined;
}

/** The groups of elements that share their statistics: where each starts, how many, how far apart, and its channel. */
function statisticGroups(c: Conditioning & { kind: 'normalization' }, x: Tensor, attrs: ConcreteAttrs): { start: number; size: number; stride: number; channel: number }[] {
  const shape = x.shape;
  const rank = shape.length;
  const groups: { start: number; size: number; stride: number; channel: number }[] = [];
  if (c.statistics === 'trailing') {
    const axis = normalizeAxis(attrs.int('axis'), rank);
    const size = shape.slice(axis).reduce((a, b) => a * b, 1);
    for (let start = 0; start + size <= x.data.length && size > 0; start += size) groups.push({ start, size, stride: 1, channel: 0 });
    return groups;
  }
  // Planes of (batch, channel): 'spatial' normalizes each, 'given' each channel's with its own statistics.
  const [n, ch] = [shape[0]!, shape[1]!];
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  for (let b = 0; b < n; b++) for (let k = 0; k < ch; k++) groups.push({ start: (b * ch + k) * inner, size: inner, stride: 1, channel: k });
  return groups;
}
