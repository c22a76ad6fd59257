import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * A MatMul's matrices: [M, K] times [K, N] per batch element, with 1-D operands promoted (their data
 * is laid out as the promoted matrix) and each operand's batch strides over the broadcast batch shape.
 */
export interface MatmulLayout {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly batchShape: readonly number[];
  /** [A's, B's] batch strides, in matrices. */
  readonly batchStrides: readonly (readonly number[])[];
}

export function matmulLayout(aShapeIn: readonly number[], bShapeIn: readonly number[]): MatmulLayout {
  const aShape = aShapeIn.length === 1 ? [1, aShapeIn[0]!] : aShapeIn;
  const bShape = bShapeIn.length === 1 ? [bShapeIn[0]!, 1] : bShapeIn;
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
  return { m, k, n, batchShape, batchStrides: [broadcastStrides(aBatch, batchShape), broadcastStrides(bBatch, batchShape)] };
}

/** numpy.matmul over float64 (or exact integers): batch dims broadcast, 1-D operands promoted. */
export const matmulKernel: Kernel = ({ inputs, outputs }) => {
  const a = inputs[0]!;
  const b = inputs[1]!;
  const out = outputs[0]!;
  const { m, k, n, batchShape, batchStrides } = matmulLayout(a.shape, b.shape);
  const data = new Float64Array(out.shape.reduce((x, y) => x * y, 1));
  forEachBroadcast(batchShape, batchStrides, (batch, [ia, ib]) => {
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
