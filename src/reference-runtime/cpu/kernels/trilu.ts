import { result, type Kernel } from '../kernel.js';

/** Keeps element (i, j) of each matrix when j - i >= k (upper) or j - i <= k (lower); zeroes the rest. */
export const triluKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const r = x.shape.length;
  const rows = x.shape[r - 2]!;
  const cols = x.shape[r - 1]!;
  const upper = attrs.int('upper') !== 0;
  const k = attrs.int('k');
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const col = i % cols;
    const row = Math.floor(i / cols) % rows;
    const keep = upper ? col - row >= k : col - row <= k;
    data[i] = keep ? x.data[i]! : 0;
  }
  return [result(outputs[0]!, data)];
};
