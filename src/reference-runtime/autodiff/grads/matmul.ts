import { matmulLayout } from '../../cpu/kernels/matmul.js';
import { forEachBroadcast } from '../../cpu/indexing.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/**
 * Per batch element, dA = dY @ B^T and dB = A^T @ dY. A 1-D operand's data is laid out as its
 * promoted matrix and dY's as the unsqueezed output, so no reshape is needed; an operand broadcast
 * over batch dims accumulates the gradient of every batch element it was read by.
 */
const matmulRule: GradRule = ({ inputs, dy }) => {
  const dY = dy[0];
  if (!dY) return [];
  const a = inputs[0]!;
  const b = inputs[1]!;
  const { m, k, n, batchShape, batchStrides } = matmulLayout(a.shape, b.shape);
  const dA = new Float64Array(a.data.length);
  const dB = new Float64Array(b.data.length);
  forEachBroadcast(batchShape, batchStrides, (batch, [ia, ib]) => {
    const aOff = ia! * m * k;
    const bOff = ib! * k * n;
    const oOff = batch * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const gy = dY[oOff + i * n + j]!;
        for (let p = 0; p < k; p++) {
          dA[aOff + i * k + p]! += gy * b.data[bOff + p * n + j]!;
          dB[bOff + p * n + j]! += gy * a.data[aOff + i * k + p]!;
        }
      }
    }
  });
  return [dA, dB];
};

export const matmulGradients: Readonly<Record<string, OpGradient>> = {
  MatMul: exact(matmulRule),
};
