import { FLOATS } from './dtypes.js';
import { unary } from './unary.js';

/** Trigonometric and hyperbolic functions, with domain rules where they leave the reals or blow up. */

// Past |x| ~ 100 the float32 rounding of x alone moves sin and cos by more than a float32 tolerance.
export const sin = unary('Sin', 7, FLOATS, { domain: [{ input: 0, min: -100, max: 100 }] });
export const cos = unary('Cos', 7, FLOATS, { domain: [{ input: 0, min: -100, max: 100 }] });
// One branch, away from the poles at +-pi/2 where a tiny input error becomes a huge output error.
export const tan = unary('Tan', 7, FLOATS, { domain: [{ input: 0, min: -1.5, max: 1.5 }] });
// Defined on [-1, 1], but with an infinite slope at +-1: keep a margin so that a float32 input error
// of a few ulps cannot move the result past the tolerance (acos(1 - e) ~ sqrt(2e)).
export const asin = unary('Asin', 7, FLOATS, { domain: [{ input: 0, min: -0.999, max: 0.999 }] });
export const acos = unary('Acos', 7, FLOATS, { domain: [{ input: 0, min: -0.999, max: 0.999 }] });
export const atan = unary('Atan', 7, FLOATS);

// float32 sinh and cosh overflow past ~89.4
export const sinh = unary('Sinh', 9, FLOATS, { domain: [{ input: 0, min: -80, max: 80 }] });
export const cosh = unary('Cosh', 9, FLOATS, { domain: [{ input: 0, min: -80, max: 80 }] });
export const asinh = unary('Asinh', 9, FLOATS);
// Defined from 1, with an infinite slope there (acosh(1 + e) ~ sqrt(2e)): the same margin as Acos.
export const acosh = unary('Acosh', 9, FLOATS, { domain: [{ input: 0, min: 1.001 }] });
// atanh(+-1) is infinite
export const atanh = unary('Atanh', 9, FLOATS, { domain: [{ input: 0, min: -0.999, max: 0.999 }] });
