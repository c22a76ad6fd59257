import { proxy, type OpGradient } from '../gradient.js';

/** An index has no derivative and no useful proxy: moving one value does not say which way the index goes. */
const noGradient = proxy(() => []);

export const argGradients: Readonly<Record<string, OpGradient>> = {
  ArgMax: noGradient,
  ArgMin: noGradient,
};
