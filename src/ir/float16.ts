/**
 * IEEE 754 binary16 ("half"), which Node 20 has no typed array for: conversion of float64 values to
 * the nearest half (ties to even, overflow to infinity, gradual underflow) and to and from its bits.
 */

/** The smallest positive subnormal half, 2^-24: every half is an integer multiple of it. */
const F16_TINY = 2 ** -24;

/** The half nearest to x (ties to even), as a float64. */
export function roundToFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  // Past the midpoint between the largest half and the next power of two, the nearest is infinity.
  if (a >= 65520) return x > 0 ? Infinity : -Infinity;
  // The spacing of halves around a: 2^(e-10) for normal numbers, 2^-24 below 2^-14.
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  // log2 may be off by one near powers of two: correct e so that 2^e <= a < 2^(e+1) (normal range).
  let exp = e;
  if (exp > -14 && 2 ** exp > a) exp--;
  if (2 ** (exp + 1) <= a) exp++;
  const ulp = Math.max(2 ** (exp - 10), F16_TINY);
  const q = a / ulp; // exact: a power-of-two scaling
  let n = Math.floor(q);
  const frac = q - n;
  if (frac > 0.5 || (frac === 0.5 && n % 2 === 1)) n++;
  // Below 65520 the rounding never passes the largest half, F16_MAX.
  return Math.sign(x) * n * ulp;
}

/** The bits of the half nearest to x. */
export function float16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const r = Math.abs(roundToFloat16(x));
  if (r === Infinity) return sign | 0x7c00;
  if (r === 0) return sign;
  if (r < 2 ** -14) return sign | Math.round(r / F16_TINY);
  const exp = Math.floor(Math.log2(r));
  const e = 2 ** exp > r ? exp - 1 : 2 ** (exp + 1) <= r ? exp + 1 : exp;
  const mantissa = Math.round((r / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | mantissa;
}

/** The value of half bits. */
export function float16FromBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exp === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * mantissa * F16_TINY;
  return sign * (1 + mantissa / 1024) * 2 ** (exp - 15);
}
