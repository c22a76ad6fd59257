import { exact, type OpGradient } from '../gradient.js';
import { binaryGradWith } from '../helpers.js';

/** a mod b = a - b q with q the truncated (fmod) or floored quotient, constant between its jumps. */
export const modGradients: Readonly<Record<string, OpGradient>> = {
  Mod: exact(
    binaryGradWith(({ attrs }) => {
      const quotient = attrs.int('fmod') === 1 ? Math.trunc : Math.floor;
      return (a, b) => [1, -quotient(a / b)];
    }),
  ),
};
