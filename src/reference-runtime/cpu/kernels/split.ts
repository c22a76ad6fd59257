import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** Cuts the input along the axis into consecutive parts, each as long as its output's dim there. */
export const splitKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  let start = 0;
  return outputs.map((out) => {
    const part = out.shape[axis]!;
    const data = new Float64Array(outer * part * inner);
    for (let o = 0; o < outer; o++) {
      const from = (o * len + start) * inner;
      data.set(x.data.subarray(from, from + part * inner), o * part * inner);
    }
    start += part;
    return result(out, data);
  });
};
