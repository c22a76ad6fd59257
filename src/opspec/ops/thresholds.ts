import { interval } from '../interval.js';
import { facts, type Discontinuity } from '../numeric.js';

/** Jumps of an elementwise op at the points `at` gives for its attributes. */
function jumpsAt(at: (attrs: { float(name: string): number }) => readonly number[]): Discontinuity {
  return {
    kind: 'own',
    near: ([x], attrs, margin) => {
      if (!x) return undefined;
      const points = at(attrs);
      for (let i = 0; i < x.data.length; i++) {
        const v = x.data[i]!;
        const p = points.find((q) => v !== q && Math.abs(v - q) <= margin * Math.max(1, Math.abs(v)));
        if (p !== undefined) return `an input (${v}) is within ${margin} of the threshold ${p}`;
      }
      return undefined;
    },
  };
}
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
    discontinuity: jumpsAt((attrs) => [attrs.float('alpha')]),
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
  // bias moves x towards 0 (a negative one, which the generator does not draw, could leave int32).
  numeric: facts({ discontinuity: jumpsAt((attrs) => [-attrs.float('lambd'), attrs.float('lambd')]) }),
});
