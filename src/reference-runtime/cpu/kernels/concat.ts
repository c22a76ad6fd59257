import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

export const concatKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const out = outputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), out.shape.length);
  const { outer, len: outLen, inner } = splitAt(out.shape, axis);
  const data = new Float64Array(outer * outLen * inner);
  let start = 0;
  for (const x of inputs) {
    const len = x!.shape[axis]!;
    for (let o = 0; o < outer; o++) {
      const src = x!.data.subarray(o * len * inner, (o + 1) * len * inner);
      data.set(src, (o * outLen + start) * inner);
    }
    start += len;
  }
  return [result(out, data)];
};
