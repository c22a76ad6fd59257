import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** Softmax along one axis (opset 13), shifted by the max for stability. */
export const softmaxKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = -Infinity;
      for (let j = 0; j < len; j++) m = Math.max(m, x.data[base + j * inner]!);
      let s = 0;
      for (let j = 0; j < len; j++) {
        const e = Math.exp(x.data[base + j * inner]! - m);
        data[base + j * inner] = e;
        s += e;
      }
      for (let j = 0; j < len; j++) data[base + j * inner]! /= s;
    }
  }
  return [result(outputs[0]!, data)];
};
