import { stridesOf } from '../../../ir/tensor.js';
import { sliceAxes, sliceFirstIndex } from '../../../opspec/ops/slice.js';
import { forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** Reads every output element at first + k * step along each axis (the spec gives the counts). */
export const sliceKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const starts = attrs.ints('starts');
  const steps = attrs.has('steps') ? attrs.ints('steps') : starts.map(() => 1);
  const axes = sliceAxes(x.shape.length, starts.length, attrs.has('axes') ? attrs.ints('axes') : undefined)!;
  const strides = stridesOf(x.shape);
  const readStrides = [...strides];
  let base = 0;
  axes.forEach((a, j) => {
    base += sliceFirstIndex(x.shape[a]!, starts[j]!, steps[j]!) * strides[a]!;
    readStrides[a] = steps[j]! * strides[a]!;
  });
  const data = new Float64Array(out.shape.reduce((p, d) => p * d, 1));
  forEachBroadcast(out.shape, [readStrides], (i, [offset]) => {
    data[i] = x.data[base + offset!]!;
  });
  return [result(out, data)];
};
