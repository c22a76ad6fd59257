import { proxy, type OpGradient } from '../gradient.js';

/** Bool in, bool out: nothing to descend on. */
const noGradient = proxy(() => []);

export const logicalGradients: Readonly<Record<string, OpGradient>> = {
  // Unsigned integers in and out: likewise.
  BitShift: noGradient,
  And: noGradient,
  Or: noGradient,
  Xor: noGradient,
};
