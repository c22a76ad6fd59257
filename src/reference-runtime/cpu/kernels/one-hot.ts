import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * OneHot: values[1] where the position along the new axis equals the index (a negative index counts
 * from the back; a float one is truncated), values[0] elsewhere and wherever the index lies outside
 * [-depth, depth - 1].
 */
export const oneHotKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [indices, , values] = inputs;
  const out = outputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), out.shape.length);
  const { outer, len: depth, inner } = splitAt(out.shape, axis);
  const [off, on] = [values!.data[0]!, values!.data[1]!];
  const data = new Float64Array(outer * depth * inner).fill(off);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let index = Math.trunc(indices!.data[o * inner + i]!);
      if (index < 0) index += depth;
      if (index >= 0 && index < depth) data[(o * depth + index) * inner + i] = on;
    }
  }
  return [result(out, data)];
};
