import { proxy, type OpGradient } from '../gradient.js';

/** Shape reads no values. */
export const shapeGradients: Readonly<Record<string, OpGradient>> = {
  Shape: proxy(() => []),
};
