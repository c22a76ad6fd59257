import { INTEGER_RANGES, type DType } from '../../../ir/dtype.js';
import { roundToDType } from '../../../ir/float-format.js';
import type { Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { roundHalfToEven } from './unary.js';

/**
 * What the quantization kernels share with the stability checks: the real values an op rounds half
 * to even before adding the zero point and saturating, computed once, so that the kernel and the
 * check of its discontinuity (see Discontinuity 'requantize') cannot disagree.
 */
export interface Requantization {
  /** Per output element, the real value that is rounded. */
  readonly reals: Float64Array;
  /** Per output element, the zero point added after rounding. */
  readonly zeroPoints: Float64Array;
  /** The output type's range, which the result saturates to. */
  readonly range: readonly [number, number];
  /** The relative error with which a correct SUT may compute the reals (its float32 divisions and products). */
  readonly precision: number;
}

/** The range of a quantized type (uint8 for an unknown one, as ONNX's default). */
export function quantizedRange(dtype: DType): readonly [number, number] {
  return INTEGER_RANGES[dtype] ?? [0, 255];
}

/** saturate(round_half_to_even(real) + zero_point) for every element. */
export function requantized(q: Requantization): Float64Array {
  const [lo, hi] = q.range;
  return Float64Array.from(q.reals, (r, i) => {
    // NaN (a zero scale) stays NaN: the reference reports it as an integer fault.
    const v = roundHalfToEven(r) + q.zeroPoints[i]!;
    return Number.isNaN(v) ? v : Math.min(hi, Math.max(lo, v));
  });
}

/**
 * Per element of `x`, the index of its scale (and zero point): 0 for a scalar scale, its index along
 * 'axis' for a 1-D one.
 */
export function perAxisIndex(x: Tensor, scale: Tensor, attrs: ConcreteAttrs): (i: number) => number {
  if (scale.shape.length === 0 || scale.data.length === 1) return () => 0;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { len, inner } = splitAt(x.shape, axis);
  return (i) => Math.floor(i / inner) % len;
}

/**
 * The float dtype a SUT divides x by its scale in: float32 for float32 and float16 data (onnxruntime
 * widens float16 to float32; ONNX's reference divides float32 arrays in float32), float64 for int32
 * data (numpy promotes int32 / float32 to float64).
 */
function quotientDType(x: DType): DType {
  return x === 'int32' ? 'float64' : 'float32';
}

/** The unit roundoff of the arithmetic a quotient of this data type is computed in, widened for float16 data (its SUTs may divide in float16). */
function quotientPrecision(x: DType): number {
  return x === 'float16' ? 2 ** -10 : x === 'int32' ? 2 ** -24 : 2 ** -22;
}

/** QuantizeLinear: x / y_scale (rounded to float32 as a SUT divides), per tensor or per axis. */
export function quantizeReals(inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs, outputDtype: DType): Requantization {
  const [x, scale, zeroPoint] = inputs;
  const at = perAxisIndex(x!, scale!, attrs);
  const dtype = quotientDType(x!.dtype);
  const reals = new Float64Array(x!.data.length);
  const zeroPoints = new Float64Array(x!.data.length);
  for (let i = 0; i < reals.length; i++) {
    const k = at(i);
    // A SUT holds x and the scale in their own types (a scale computed in float64 by the reference,
    // as DynamicQuantizeLinear's function body computes it, is a float32 there), then divides.
    reals[i] = roundToDType(dtype, roundToDType(x!.dtype, x!.data[i]!) / roundToDType(scale!.dtype, scale!.data[k]!));
    zeroPoints[i] = zeroPoint ? zeroPoint.data[k]! : 0;
  }
  return { reals, zeroPoints, range: quantizedRange(outputDtype), precision: quotientPrecision(x!.dtype) };
}

/** DynamicQuantizeLinear's scale and zero point, in float32 as the spec's function body computes them. */
export function dynamicParameters(x: Tensor): { scale: number; zeroPointReal: number } {
  let lo = 0;
  let hi = 0;
  for (const v of x.data) {
    const f = Math.fround(v);
    if (f < lo) lo = f;
    if (f > hi) hi = f;
  }
  const scale = Math.fround(Math.fround(hi - lo) / 255);
  return { scale, zeroPointReal: -Math.fround(lo / scale) };
}

/**
 * DynamicQuantizeLinear: x / scale per element, then one more element for the zero point's real
 * value -min / scale, which is rounded too (saturated to uint8 with no zero point of its own).
 */
export function dynamicReals(x: Tensor): Requantization & { readonly zeroPoint: number; readonly scale: number } {
  const { scale, zeroPointReal } = dynamicParameters(x);
  const zeroPoint = Math.min(255, Math.max(0, roundHalfToEven(Math.min(255, Math.max(0, zeroPointReal)))));
  const reals = new Float64Array(x.data.length + 1);
  const zeroPoints = new Float64Array(x.data.length + 1).fill(zeroPoint);
  for (let i = 0; i < x.data.length; i++) reals[i] = Math.fround(Math.fround(x.data[i]!) / scale);
  reals[x.data.length] = zeroPointReal;
  zeroPoints[x.data.length] = 0;
  return { reals, zeroPoints, range: [0, 255], precision: 2 ** -22, zeroPoint, scale };
}

/**
 * The multiplier a requantizing op scales its integer sums by, per output channel: in_scale *
 * w_scale / out_scale in float32, as onnxruntime and ONNX's reference compute it.
 */
export function multipliers(inScale: number, wScales: ArrayLike<number>, outScale: number): Float64Array {
  const [a, c] = [Math.fround(inScale), Math.fround(outScale)];
  return Float64Array.from(wScales, (w) => Math.fround(Math.fround(a * Math.fround(w)) / c));
}

/**
 * The precision with which a SUT requantizes a sum: onnxruntime converts the int32 sum to float32
 * and multiplies (two roundings beside the multiplier's own two), a fixed-point requantizer rounds
 * its multiplier to 31 bits: a few float32 units either way.
 */
export const REQUANTIZE_PRECISION = 2 ** -21;
