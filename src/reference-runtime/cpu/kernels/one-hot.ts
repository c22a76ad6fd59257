import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * OneHot: values[1] where the position along the new axis equals the index (a float one between
 * integers equals none; from version 11 a negative one counts from the back), values[0] elsewhere and wherever the index
 * lies outside the range.
 */
export const oneHotKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [indices, , values] = inputs;
  const out = outputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), out.shape.length);
  const { outer, len: depth, inner } = splitAt(out.shape, axis);
  const [off, on] = [values!.data[0]!, values!.data[1]!];
  // Version 11 counts a negative index from the back; version 9 takes it for out of range.
  const wraps = (attrs.sinceVersion ?? 11) >= 11;
  const data = new Float64Array(outer * depth * inner).fill(off);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let index = indices!.data[o * inner + i]!;
      // A float index between integers is no position (ONNX's reference compares it with each; onnxruntime agrees).
      if (!Number.isInteger(index)) continue;
      if (index < 0 && wraps) index += depth;
      if (index >= 0 && index < depth) data[(o * depth + index) * inner + i] = on;
    }
  }
  return [result(out, data)];
};
