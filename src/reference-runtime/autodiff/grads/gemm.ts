import { gemmLayout } from '../../cpu/kernels/gemm.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';
import { unbroadcast } from '../helpers.js';

/**
 * Y = alpha * op(A) @ op(B) + beta * C: d op(A) = alpha * dY @ op(B)^T and d op(B) = alpha * op(A)^T @ dY,
 * written back through the same strides the kernel reads op(A) and op(B) with (so transA/transB
 * need no separate case); dC = beta * dY summed over C's broadcast dims.
 */
const gemmRule: GradRule = ({ inputs, attrs, outputs, dy }) => {
  const dY = dy[0];
  if (!dY) return [];
  const [a, b, c] = inputs;
  const out = outputs[0]!;
  const { m, n, k, aRow, aCol, bRow, bCol } = gemmLayout(a!.shape, out.shape, attrs);
  const alpha = attrs.float('alpha');
  const dA = new Float64Array(a!.data.length);
  const dB = new Float64Array(b!.data.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const gy = alpha * dY[i * n + j]!;
      for (let p = 0; p < k; p++) {
        dA[i * aRow + p * aCol]! += gy * b!.data[p * bRow + j * bCol]!;
        dB[p * bRow + j * bCol]! += gy * a!.data[i * aRow + p * aCol]!;
      }
    }
  }
  return [dA, dB, c ? scaled(unbroadcast(dY, out.shape, c.shape), attrs.float('beta')) : undefined];
};

function scaled(g: Float64Array, factor: number): Float64Array {
  for (let i = 0; i < g.length; i++) g[i]! *= factor;
  return g;
}

export const gemmGradients: Readonly<Record<string, OpGradient>> = {
  Gemm: exact(gemmRule),
};
