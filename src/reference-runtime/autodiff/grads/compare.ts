import { proxy, type OpGradient } from '../gradient.js';
import { binaryGrad } from '../helpers.js';

/**
 * Comparisons are steps. As proxies, a gradient that asks the flag to rise asks `a > b` to hold
 * more, so it pushes a up and b down (the other way for Less). Equal gives no direction.
 */
const towardGreater = proxy(binaryGrad(() => [1, -1]));
const towardLess = proxy(binaryGrad(() => [-1, 1]));

export const compareGradients: Readonly<Record<string, OpGradient>> = {
  Greater: towardGreater,
  GreaterOrEqual: towardGreater,
  Less: towardLess,
  LessOrEqual: towardLess,
  Equal: proxy(() => []),
};
