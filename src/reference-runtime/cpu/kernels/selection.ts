import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** NonZero: the index of every nonzero element (NaN is nonzero), one column each, in row-major order. */
export const nonZeroKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0] as Tensor;
  const rank = x.shape.length;
  const strides = stridesOf(x.shape);
  const found: number[] = [];
  x.data.forEach((v, i) => {
    if (v !== 0) found.push(i);
  });
  const data = new Float64Array(rank * found.length);
  found.forEach((flat, col) => {
    for (let d = 0; d < rank; d++) data[d * found.length + col] = Math.floor(flat / strides[d]!) % x.shape[d]!;
  });
  return [result(outputs[0]!, data)];
};

/**
 * Compress: the slices along the axis (or the elements of the flattened input) whose condition
 * is true; past the condition's end nothing is kept.
 */
export const compressKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, condition] = inputs as [Tensor, Tensor];
  const kept = (j: number) => j < condition.data.length && condition.data[j] !== 0;
  if (!attrs.has('axis')) {
    const data = Float64Array.from(Array.from(x.data).filter((_v, j) => kept(j)));
    return [result(outputs[0]!, data)];
  }
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  const slices = Array.from({ length: len }, (_, j) => j).filter(kept);
  const data = new Float64Array(outer * slices.length * inner);
  for (let o = 0; o < outer; o++) {
    slices.forEach((j, n) => {
      const from = (o * len + j) * inner;
      data.set(x.data.subarray(from, from + inner), (o * slices.length + n) * inner);
    });
  }
  return [result(outputs[0]!, data)];
};
