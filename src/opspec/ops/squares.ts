import type { DomainRule } from '../spec.js';

/**
 * For ops that sum squares of their input (ReduceL2's norm, a normalization's variance): |x| stays
 * within 1e17. A float32 SUT's square overflows to Inf from |x| ~ 1.8e19, and a sum of 4096 squares
 * from ~2.9e17, where the float64 reference's norm or standard deviation still fits: every float32
 * SUT then agrees on a result the reference does not give, and none is wrong.
 */
export const SQUARES_FIT_FLOAT32: readonly DomainRule[] = [{ input: 0, min: -1e17, max: 1e17 }];
