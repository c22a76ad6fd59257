import type { Tensor } from '../../../ir/tensor.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * TopK: along the axis, the k largest (smallest when largest=0) values in order, and their
 * indices; equal values keep their order, the lower index first (ONNX 11). k comes from the
 * output shape the spec inferred (an attribute in TopK-1, the K input later).
 */
export const topKKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0] as Tensor;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  // TopK-1 and TopK-10 have no 'largest': always the largest.
  const largest = !attrs.has('largest') || attrs.int('largest') !== 0;
  const { outer, len, inner } = splitAt(x.shape, axis);
  const k = outputs[0]!.shape[axis]!;
  const values = new Float64Array(outer * k * inner);
  const indices = new Float64Array(outer * k * inner);
  const order = Array.from({ length: len }, (_, j) => j);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => x.data[(o * len + j) * inner + i]!;
      order.sort((a, b) => (at(a) === at(b) ? a - b : largest ? at(b) - at(a) : at(a) - at(b)));
      for (let j = 0; j < k; j++) {
        values[(o * k + j) * inner + i] = at(order[j]!);
        indices[(o * k + j) * inner + i] = order[j]!;
      }
      order.sort((a, b) => a - b);
    }
  }
  return [result(outputs[0]!, values), result(outputs[1]!, indices)];
};
