import { exact, type OpGradient } from '../gradient.js';
import { binaryGrad } from '../helpers.js';

/** Integer Div truncates; its rule is the real quotient's, a proxy that still points the right way. */
export const binaryGradients: Readonly<Record<string, OpGradient>> = {
  Add: exact(binaryGrad(() => [1, 1])),
  Sub: exact(binaryGrad(() => [1, -1])),
  Mul: exact(binaryGrad((a, b) => [b, a])),
  Div: exact(binaryGrad((a, b) => [1 / b, -a / (b * b)])),
};
