import { isFloatDType } from '../../../ir/dtype.js';
import { result, type Kernel } from '../kernel.js';
import { mapBroadcast2, withoutNegativeZero } from './binary.js';

/**
 * C's pow on doubles. JavaScript's Math.pow differs from it in two special cases: C gives
 * pow(1, y) = 1 for every y and pow(-1, ±Inf) = 1, where Math.pow gives NaN.
 */
export function cPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return Math.pow(x, y);
}

/** An integer to a non-negative integer power by squaring: exact while the result is below 2^53. */
function intPow(x: number, n: number): number {
  let base = x;
  let e = n;
  let acc = 1;
  while (e > 0) {
    if (e & 1) acc *= base;
    e = Math.floor(e / 2);
    if (e > 0) base *= base;
  }
  return acc;
}

/**
 * Pow-15: the output has the base's dtype. An integer base is raised in double precision and
 * truncated toward zero, as onnxruntime's static_cast<T>(std::pow(x, y)) does (2^-1 -> 0).
 */
export const powKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const y = inputs[1]!;
  const out = outputs[0]!;
  const intBase = !isFloatDType(x.dtype);
  const f = intBase
    ? withoutNegativeZero((a, b) => (Number.isInteger(b) && b >= 0 && b <= 64 ? intPow(a, b) : Math.trunc(cPow(a, b))))
    : cPow;
  return [result(out, mapBroadcast2(x.data, x.shape, y.data, y.shape, out.shape, f))];
};
