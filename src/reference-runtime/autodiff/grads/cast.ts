import { exactWhen, type OpGradient } from '../gradient.js';
import { unaryGrad } from '../helpers.js';

/**
 * Cast passes its gradient straight through. That is the derivative only when nothing is rounded
 * (float64 to float64); into float32 or an integer it is a proxy for a step function.
 */
export const castGradients: Readonly<Record<string, OpGradient>> = {
  Cast: exactWhen(
    (attrs, [x]) => x?.dtype === 'float64' && attrs.int('to') === 11,
    unaryGrad(() => 1),
  ),
};
