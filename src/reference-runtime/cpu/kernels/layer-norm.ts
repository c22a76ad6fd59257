import type { Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** A Scale or B tensor expanded to the normalized shape (it broadcasts unidirectionally to it). */
export function expandToNormalized(t: Tensor | undefined, normalized: readonly number[], size: number, fill: number): Float64Array {
  const out = new Float64Array(size).fill(fill);
  if (t) forEachBroadcast(normalized, [broadcastStrides(t.shape, normalized)], (i, [off]) => (out[i] = t.data[off!]!));
  return out;
}

/** How LayerNormalization splits its input: `rows` rows of the `normalized` trailing dims (`size` elements each). */
export function layerNormRows(x: Tensor, attrs: ConcreteAttrs): { epsilon: number; normalized: number[]; size: number; rows: number } {
  const rank = x.shape.length;
  const axis = (attrs.int('axis') + rank) % rank;
  const normalized = x.shape.slice(axis);
  const size = normalized.reduce((a, b) => a * b, 1);
  return { epsilon: attrs.float('epsilon'), normalized, size, rows: x.data.length / size };
}

/** Normalizes over the dims from `axis` on; also gives the mean and 1 / sqrt(var + epsilon) of each row. */
export const layerNormKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, scale, bias] = inputs;
  const { epsilon, normalized, size, rows } = layerNormRows(x!, attrs);
  const gamma = expandToNormalized(scale, normalized, size, 1);
  const beta = expandToNormalized(bias, normalized, size, 0);
  const y = new Float64Array(x!.data.length);
  const means = new Float64Array(rows);
  const invStdDevs = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = x!.data.subarray(r * size, (r + 1) * size);
    const mean = row.reduce((a, b) => a + b, 0) / size;
    const invStdDev = 1 / Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / size + epsilon);
    for (let i = 0; i < size; i++) y[r * size + i] = (row[i]! - mean) * invStdDev * gamma[i]! + beta[i]!;
    means[r] = mean;
    invStdDevs[r] = invStdDev;
  }
  const results = [result(outputs[0]!, y)];
  if (outputs[1]) results.push(result(outputs[1], means));
  if (outputs[2]) results.push(result(outputs[2], invStdDevs));
  return results;
};
