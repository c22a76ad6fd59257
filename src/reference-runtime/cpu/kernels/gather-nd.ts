import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';
import { resolveIndex } from './scatter.js';

/**
 * GatherND: for each batch (the first b dims, shared by data and indices) and each k-tuple of the
 * indices, the slice data[batch, tuple...] of data.shape[b + k:].
 */
export const gatherNDKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, indices] = inputs as [Tensor, Tensor];
  const b = attrs.has('batch_dims') ? attrs.int('batch_dims') : 0;
  const k = indices.shape[indices.shape.length - 1]!;
  const strides = stridesOf(x.shape);
  const batches = x.shape.slice(0, b).reduce((p, d) => p * d, 1);
  const batchSize = b === 0 ? x.data.length : strides[b - 1]!;
  const tuplesPerBatch = indices.data.length / Math.max(1, k) / batches;
  const slice = x.shape.slice(b + k).reduce((p, d) => p * d, 1);
  const data = new Float64Array(outputs[0]!.shape.reduce((p, d) => p * d, 1));
  for (let n = 0; n < batches; n++) {
    for (let t = 0; t < tuplesPerBatch; t++) {
      const tuple = n * tuplesPerBatch + t;
      let from = n * batchSize;
      for (let m = 0; m < k; m++) from += resolveIndex(indices.data[tuple * k + m]!, x.shape[b + m]!, 'GatherND') * strides[b + m]!;
      data.set(x.data.subarray(from, from + slice), tuple * slice);
    }
  }
  return [result(outputs[0]!, data)];
};
