import { proxy, type OpGradient } from '../gradient.js';

/** Ops whose outputs come from constants and shapes alone: no value of an input reaches them. */
const noGradient = proxy(() => []);

export const generatorGradients: Readonly<Record<string, OpGradient>> = {
  ConstantOfShape: noGradient,
  Range: noGradient,
  EyeLike: noGradient,
  Size: noGradient,
  // An index picks a position, not a value: no direction to give it.
  Hardmax: noGradient,
};
