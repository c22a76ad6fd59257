import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { isFloat, result, type Kernel } from '../kernel.js';

/** op(A) as [M, K] and op(B) as [K, N], as strides over the stored row-major data: shared with the gradient. */
export interface GemmLayout {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly aRow: number;
  readonly aCol: number;
  readonly bRow: number;
  readonly bCol: number;
}

export function gemmLayout(aShape: readonly number[], outShape: readonly number[], attrs: ConcreteAttrs): GemmLayout {
  const [m, n] = outShape as [number, number];
  const transA = attrs.int('transA') === 1;
  const transB = attrs.int('transB') === 1;
  const k = transA ? aShape[0]! : aShape[1]!;
  const [aRow, aCol] = transA ? [1, m] : [k, 1];
  const [bRow, bCol] = transB ? [1, k] : [n, 1];
  return { m, n, k, aRow, aCol, bRow, bCol };
}

/**
 * Y = alpha * op(A) @ op(B) + beta * C. Integer results are truncated toward zero, as ONNX's
 * reference casts the float64 result back to the input type.
 */
export const gemmKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [a, b, c] = inputs;
  const out = outputs[0]!;
  const { m, n, k, aRow, aCol, bRow, bCol } = gemmLayout(a!.shape, out.shape, attrs);
  const alpha = attrs.float('alpha');
  const beta = attrs.float('beta');
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a!.data[i * aRow + p * aCol]! * b!.data[p * bRow + j * bCol]!;
      data[i * n + j] = alpha * acc;
    }
  }
  if (c && beta !== 0) {
    forEachBroadcast(out.shape, [broadcastStrides(c.shape, out.shape)], (o, [off]) => {
      data[o]! += beta * c.data[off!]!;
    });
  }
  if (!isFloat(out.dtype)) for (let i = 0; i < data.length; i++) data[i] = Math.trunc(data[i]!);
  return [result(out, data)];
};
