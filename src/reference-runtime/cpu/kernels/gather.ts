import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { forEachBroadcast, splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** An index in [-size, size-1], counted from the end when negative; out of range is an error in ONNX. */
function resolveIndex(i: number, size: number, op: string): number {
  if (i < -size || i >= size) throw new RangeError(`${op}: index ${i} is out of range for an axis of size ${size}`);
  return i < 0 ? i + size : i;
}

export const gatherKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, indices] = inputs as [Tensor, Tensor];
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  const n = indices.data.length;
  const data = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const from = (o * len + resolveIndex(indices.data[j]!, len, 'Gather')) * inner;
      data.set(x.data.subarray(from, from + inner), (o * n + j) * inner);
    }
  }
  return [result(outputs[0]!, data)];
};

/** out[..., j_axis, ...] = data[..., indices[..., j_axis, ...], ...]: the same position on every other axis. */
export const gatherElementsKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, indices] = inputs as [Tensor, Tensor];
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const strides = stridesOf(x.shape);
  // Walking the indices' shape, every axis but `axis` advances the data at its own stride.
  const walk = strides.map((s, a) => (a === axis ? 0 : s));
  const size = x.shape[axis]!;
  const data = new Float64Array(indices.data.length);
  forEachBroadcast(indices.shape, [walk], (i, [offset]) => {
    data[i] = x.data[offset! + resolveIndex(indices.data[i]!, size, 'GatherElements') * strides[axis]!]!;
  });
  return [result(outputs[0]!, data)];
};

export const gatherKernels = { Gather: gatherKernel, GatherElements: gatherElementsKernel };
