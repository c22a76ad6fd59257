import { interval } from '../interval.js';
import { facts } from '../numeric.js';
import { FLOATS, NUMERIC } from './dtypes.js';
import { unary } from './unary.js';

/**
 * Elementwise ops that zero what lies within a threshold. Both jump there (from 0 to alpha, or to
 * lambd - bias): the error bounds see a jump an input's error could cross.
 */

/** ThresholdedRelu-10: x where x > alpha, else 0. */
export const thresholdedRelu = unary('ThresholdedRelu', 10, FLOATS, {
  attrs: { alpha: { kind: 'float', range: [0.1, 2], default: 1 } },
  numeric: facts({
    // Zero or a copy of x.
    range: { forward: ([x]) => interval(Math.min(0, x!.lo), Math.max(0, x!.hi), { integral: x!.integral === true, zeros: true }) },
    exactness: { kind: 'copies', zero: true },
  }),
});

/**
 * Shrink-9: x + bias below -lambd, x - bias above lambd, 0 between. For an integer input the sum is
 * a float truncated back to the integer type, as onnxruntime computes it in float32: the domain rule
 * keeps integers where float32 holds x +- bias to well within 1.
 */
export const shrink = unary('Shrink', 9, NUMERIC, {
  attrs: {
    bias: { kind: 'float', range: [0, 1], default: 0 },
    lambd: { kind: 'float', range: [0, 1.5], default: 0.5 },
  },
  domain: [{ input: 0, min: -(2 ** 16), max: 2 ** 16 }],
  numeric: facts({ overflow: 'edge-cases' }),
});
