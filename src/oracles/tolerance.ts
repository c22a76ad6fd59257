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
  int32: { rtol: 0, atol: 0 },
  int64: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};
