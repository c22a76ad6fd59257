import type { DType } from '../ir/dtype.js';

export interface Tolerance {
  readonly rtol: number;
  /** Absolute tolerance per unit of the reference's magnitude (the max |x| of that output, at least 1). */
  readonly atol: number;
}

/**
 * Per-dtype tolerances. The reference computes in float64 while a float32 SUT rounds at every op,
 * so float32 gets room for a few ulps of error accumulated over a model; integers and bools are exact.
 */
export const TOLERANCES: Readonly<Record<DType, Tolerance>> = {
  float32: { rtol: 1e-3, atol: 1e-4 },
  float64: { rtol: 1e-7, atol: 1e-9 },
  // A half has 11 significant bits: its unit roundoff is 2^-11, 2^13 times float32's.
  float16: { rtol: 1e-2, atol: 4e-3 },
  int32: { rtol: 0, atol: 0 },
  int64: { rtol: 0, atol: 0 },
  int8: { rtol: 0, atol: 0 },
  int16: { rtol: 0, atol: 0 },
  uint8: { rtol: 0, atol: 0 },
  uint16: { rtol: 0, atol: 0 },
  uint32: { rtol: 0, atol: 0 },
  uint64: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/** The magnitude a tensor's tolerance scales with: its largest finite |x|, at least 1. */
export function toleranceScale(data: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i]!)) scale = Math.max(scale, Math.abs(data[i]!));
  return scale;
}

/** How far a value may be from the expected one: atol per unit of the tensor's scale, plus rtol of the expected value. */
export function allowedDifference(tol: Tolerance, scale: number, expected: number): number {
  return tol.atol * scale + tol.rtol * Math.abs(expected);
}
