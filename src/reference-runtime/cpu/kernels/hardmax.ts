import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * Hardmax: 1 at the first largest element of each group, 0 elsewhere. From version 13 a group is a
 * line along 'axis'; before, the input is a matrix of the dims before 'axis' by the rest, and a group
 * is one of its rows.
 */
export const hardmaxKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const coerced = (attrs.sinceVersion ?? 13) < 13;
  const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  const { outer, len, inner } = coerced ? { outer: count(x.shape.slice(0, axis)), len: count(x.shape.slice(axis)), inner: 1 } : splitAt(x.shape, axis);
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let best = 0;
      for (let j = 1; j < len; j++) if (x.data[base + j * inner]! > x.data[base + best * inner]!) best = j;
      if (len > 0) data[base + best * inner] = 1;
    }
  }
  return [result(outputs[0]!, data)];
};
