import { result, type Kernel } from '../kernel.js';
import { mapBroadcast2 } from './binary.js';

/** PRelu-16: x where x >= 0, slope * x elsewhere; the slope broadcasts to X's shape. */
export const preluKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const slope = inputs[1]!;
  const out = outputs[0]!;
  return [result(out, mapBroadcast2(x.data, x.shape, slope.data, slope.shape, out.shape, (v, s) => (v < 0 ? s * v : v)))];
};
