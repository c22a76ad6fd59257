import { clipBounds } from '../../../opspec/ops/clip.js';
import { exactWithLeak, LEAK, type GradRule, type OpGradient } from '../gradient.js';

/**
 * Clip: the gradient passes where x lies strictly between the bounds; where a bound wins, it goes to
 * that bound (a scalar input, so it sums). With lo > hi every element is hi.
 */
function clipGrad(deadSlope: number): GradRule {
  return ({ inputs, attrs, dy: [dy] }) => {
    if (!dy) return [];
    const [x, min, max] = inputs;
    // Clip-6's bounds are attributes: constants, with no gradient.
    const [lo, hi] = clipBounds(inputs, attrs);
    const dx = new Float64Array(x!.data.length);
    let dlo = 0;
    let dhi = 0;
    x!.data.forEach((v, i) => {
      const raised = Math.max(v, lo);
      if (raised > hi) {
        dhi += dy[i]!;
        dx[i] = deadSlope * dy[i]!;
      } else if (v < lo) {
        dlo += dy[i]!;
        dx[i] = deadSlope * dy[i]!;
      } else {
        dx[i] = dy[i]!;
      }
    });
    return [dx, min ? Float64Array.of(dlo) : undefined, max ? Float64Array.of(dhi) : undefined];
  };
}

export const clipGradients: Readonly<Record<string, OpGradient>> = {
  Clip: exactWithLeak(clipGrad(0), clipGrad(LEAK)),
};
