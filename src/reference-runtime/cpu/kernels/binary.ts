import type { DType } from '../../../ir/dtype.js';
import { sizeOf, type Tensor } from '../../../ir/tensor.js';
import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { isFloat, result, type Kernel } from '../kernel.js';

/** out[i] = f(a, b) over the numpy broadcast of a's and b's values to outShape. */
export function mapBroadcast2(
  a: Float64Array,
  aShape: readonly number[],
  b: Float64Array,
  bShape: readonly number[],
  outShape: readonly number[],
  f: (x: number, y: number) => number,
): Float64Array {
  const data = new Float64Array(sizeOf(outShape));
  const strides = [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachBroadcast(outShape, strides, (i, [ia, ib]) => {
    data[i] = f(a[ia!]!, b[ib!]!);
  });
  return data;
}

/** out[i] = f(values) over the numpy broadcast of every tensor to outShape; `values` is reused. */
export function mapBroadcastN(xs: readonly Tensor[], outShape: readonly number[], f: (values: readonly number[]) => number): Float64Array {
  const data = new Float64Array(sizeOf(outShape));
  const strides = xs.map((x) => broadcastStrides(x.shape, outShape));
  const values = new Array<number>(xs.length).fill(0);
  forEachBroadcast(outShape, strides, (i, offsets) => {
    for (let j = 0; j < xs.length; j++) values[j] = xs[j]!.data[offsets[j]!]!;
    data[i] = f(values);
  });
  return data;
}

/**
 * Integers have no -0, but a float64 computation of one can give it (-1 / 3 truncated, -4 % 2):
 * adding 0 turns -0 into 0 and leaves every other value alone.
 */
export function withoutNegativeZero(f: (a: number, b: number) => number): (a: number, b: number) => number {
  return (a, b) => f(a, b) + 0;
}

/**
 * A two-input broadcasting kernel; f receives the first input's dtype so integer ops can follow C.
 * Where f wraps integers itself, `unwrapped` gives the value before the wrap, for result()'s check.
 */
export function binaryKernel(f: (a: number, b: number, dtype: DType) => number, unwrapped?: (a: number, b: number) => number): Kernel {
  return ({ inputs, outputs }) => {
    const a = inputs[0]!;
    const b = inputs[1]!;
    const out = outputs[0]!;
    const dtype = a.dtype;
    const g = (x: number, y: number) => f(x, y, dtype);
    const data = mapBroadcast2(a.data, a.shape, b.data, b.shape, out.shape, isFloat(out.dtype) ? g : withoutNegativeZero(g));
    if (isFloat(out.dtype) || !unwrapped) return [result(out, data)];
    return [result(out, data, mapBroadcast2(a.data, a.shape, b.data, b.shape, out.shape, unwrapped))];
  };
}

/**
 * Integer products wrap as in two's complement. A float64 product of two int32 values may pass 2^53
 * and lose the low bits that the wrap keeps, hence Math.imul; int64 products past 2^53 go through
 * BigInt so that at least the wrap past 2^63 is right.
 */
function multiply(a: number, b: number, dtype: DType): number {
  if (dtype === 'int32') return Math.imul(a, b);
  const p = a * b;
  if (dtype !== 'int64' || Math.abs(p) <= Number.MAX_SAFE_INTEGER) return p;
  return Number(BigInt.asIntN(64, BigInt(a) * BigInt(b)));
}

/**
 * Integer division truncates toward zero, as C++ (and so onnxruntime) does. A zero divisor gives
 * the infinity or NaN of float division, which result() reports (C++ leaves it undefined).
 */
function divide(a: number, b: number, dtype: DType): number {
  if (isFloat(dtype)) return a / b;
  return Math.trunc(a / b);
}

export const binaryKernels: Readonly<Record<string, Kernel>> = {
  Add: binaryKernel((a, b) => a + b),
  Sub: binaryKernel((a, b) => a - b),
  Mul: binaryKernel(multiply, (a, b) => a * b),
  Div: binaryKernel(divide),
};
