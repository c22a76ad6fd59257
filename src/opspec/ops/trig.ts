import { interval } from '../interval.js';
import { facts } from '../numeric.js';
import { bounded, monotone } from '../ranges.js';
import { FLOATS } from './dtypes.js';
import { unary } from './unary.js';

/** Trigonometric and hyperbolic functions, with domain rules where they leave the reals or blow up. */

// Past |x| ~ 100 the float32 rounding of x alone moves sin and cos by more than a float32 tolerance.
export const sin = unary('Sin', 7, FLOATS, { domain: [{ input: 0, min: -100, max: 100 }], numeric: facts({ range: bounded(-1, 1, {}, true) }) });
export const cos = unary('Cos', 7, FLOATS, { domain: [{ input: 0, min: -100, max: 100 }], numeric: facts({ range: bounded(-1, 1) }) });
// One branch, away from the poles at +-pi/2 where a tiny input error becomes a huge output error.
export const tan = unary('Tan', 7, FLOATS, { domain: [{ input: 0, min: -1.5, max: 1.5 }], numeric: facts({ range: { keepsZero: true } }) });
// Defined on [-1, 1], but with an infinite slope at +-1: keep a margin so that a float32 input error
// of a few ulps cannot move the result past the tolerance (acos(1 - e) ~ sqrt(2e)).
export const asin = unary('Asin', 7, FLOATS, {
  domain: [{ input: 0, min: -0.999, max: 0.999 }],
  numeric: facts({ range: monotone(Math.asin, { domain: [-1, 1], keepsZero: true }) }),
});
export const acos = unary('Acos', 7, FLOATS, {
  domain: [{ input: 0, min: -0.999, max: 0.999 }],
  // Decreasing: the ends swap.
  numeric: facts({ range: { forward: ([x]) => interval(Math.acos(Math.min(1, x!.hi)), Math.acos(Math.max(-1, x!.lo))) } }),
});
export const atan = unary('Atan', 7, FLOATS, {
  numeric: facts({ range: monotone(Math.atan, { inverse: { f: Math.tan, image: [-Math.PI / 2, Math.PI / 2] }, keepsZero: true }) }),
});

// float32 sinh and cosh overflow past ~89.4
export const sinh = unary('Sinh', 9, FLOATS, {
  domain: [{ input: 0, min: -80, max: 80 }],
  numeric: facts({ range: monotone(Math.sinh, { inverse: { f: Math.asinh, image: [-Infinity, Infinity] }, keepsZero: true }) }),
});
export const cosh = unary('Cosh', 9, FLOATS, {
  domain: [{ input: 0, min: -80, max: 80 }],
  // Even, smallest (1) at 0.
  numeric: facts({
    range: {
      forward: ([x]) =>
        interval(x!.lo <= 0 && x!.hi >= 0 ? 1 : Math.min(Math.cosh(x!.lo), Math.cosh(x!.hi)), Math.max(Math.cosh(x!.lo), Math.cosh(x!.hi))),
    },
  }),
});
export const asinh = unary('Asinh', 9, FLOATS, {
  numeric: facts({ range: monotone(Math.asinh, { inverse: { f: Math.sinh, image: [-Infinity, Infinity] }, keepsZero: true }) }),
});
// Defined from 1, with an infinite slope there (acosh(1 + e) ~ sqrt(2e)): the same margin as Acos.
export const acosh = unary('Acosh', 9, FLOATS, {
  domain: [{ input: 0, min: 1.001 }],
  numeric: facts({ range: monotone(Math.acosh, { domain: [1, Infinity], inverse: { f: Math.cosh, image: [0, Infinity] } }) }),
});
// atanh(+-1) is infinite
export const atanh = unary('Atanh', 9, FLOATS, {
  domain: [{ input: 0, min: -0.999, max: 0.999 }],
  numeric: facts({ range: monotone(Math.atanh, { domain: [-0.999, 0.999], inverse: { f: Math.tanh, image: [-Infinity, Infinity] }, keepsZero: true }) }),
});
