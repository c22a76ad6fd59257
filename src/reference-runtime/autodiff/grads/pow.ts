import { exact, type OpGradient } from '../gradient.js';
import { binaryGrad } from '../helpers.js';

/** d(a^b)/da = b a^(b-1); d(a^b)/db = a^b ln a, defined for a > 0 only (0 elsewhere). */
export const powGradients: Readonly<Record<string, OpGradient>> = {
  Pow: exact(binaryGrad((a, b, y) => [b === 0 ? 0 : b * Math.pow(a, b - 1), a > 0 ? y * Math.log(a) : 0])),
};
