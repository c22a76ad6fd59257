import { stridesOf } from '../../../ir/tensor.js';
import { forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

export const transposeKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const perm = attrs.ints('perm');
  const inStrides = stridesOf(x.shape);
  // Walking the output in order, dim d of the output advances input dim perm[d].
  const readStrides = perm.map((p) => inStrides[p]!);
  const data = new Float64Array(x.data.length);
  forEachBroadcast(out.shape, [readStrides], (i, [src]) => {
    data[i] = x.data[src!]!;
  });
  return [result(out, data)];
};
