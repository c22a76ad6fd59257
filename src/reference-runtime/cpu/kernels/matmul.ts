import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** numpy.matmul over float64 (or exact integers): batch dims broadcast, 1-D operands promoted. */
export const matmulKernel: Kernel = ({ inputs, outputs }) => {
  const a = inputs[0]!;
  const b = inputs[1]!;
  const out = outputs[0]!;
  const aShape = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bShape = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = aShape[aShape.length - 2]!;
  const k = aShape[aShape.length - 1]!;
  const n = bShape[bShape.length - 1]!;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchRank = Math.max(aBatch.length, bBatch.length);
  const batchShape: number[] = [];
  for (let i = 0; i < batchRank; i++) {
    const x = aBatch[aBatch.length - batchRank + i] ?? 1;
    const y = bBatch[bBatch.length - batchRank + i] ?? 1;
    batchShape.push(x === 1 ? y : x);
  }
  const data = new Float64Array(out.shape.reduce((x, y) => x * y, 1));
  const strides = [broadcastStrides(aBatch, batchShape), broadcastStrides(bBatch, batchShape)];
  forEachBroadcast(batchShape, strides, (batch, [ia, ib]) => {
    const aOff = ia! * m * k;
    const bOff = ib! * k * n;
    const oOff = batch * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a.data[aOff + i * k + p]! * b.data[bOff + p * n + j]!;
        data[oOff + i * n + j] = acc;
      }
    }
  });
  return [result(out, data)];
};
