import { exact, type OpGradient } from '../gradient.js';
import { binaryGrad } from '../helpers.js';

export const preluGradients: Readonly<Record<string, OpGradient>> = {
  PRelu: exact(binaryGrad((x, slope) => (x < 0 ? [slope, x] : [1, 0]))),
};
