import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

export const expandKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const data = new Float64Array(out.shape.reduce((p, d) => p * d, 1));
  forEachBroadcast(out.shape, [broadcastStrides(x.shape, out.shape)], (i, [src]) => {
    data[i] = x.data[src!]!;
  });
  return [result(out, data)];
};
