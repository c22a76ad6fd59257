import type { DType } from '../../../ir/dtype.js';
import { broadcastStrides, forEachBroadcast } from '../indexing.js';
import { isFloat, result, type Kernel } from '../kernel.js';

/** Broadcasting elementwise kernels; f receives the dtype so integer ops can follow C semantics. */
function binaryKernel(f: (a: number, b: number, dtype: DType) => number): Kernel {
  return ({ inputs, outputs }) => {
    const [a, b] = inputs as [NonNullable<(typeof inputs)[0]>, NonNullable<(typeof inputs)[0]>];
    const out = outputs[0]!;
    const data = new Float64Array(out.shape.reduce((x, y) => x * y, 1));
    const strides = [broadcastStrides(a.shape, out.shape), broadcastStrides(b.shape, out.shape)];
    const dtype = a.dtype;
    forEachBroadcast(out.shape, strides, (i, [ia, ib]) => {
      data[i] = f(a.data[ia!]!, b.data[ib!]!, dtype);
    });
    return [result(out, data)];
  };
}

/** Integer division truncates toward zero, as onnxruntime's C++ kernels do. */
function divide(a: number, b: number, dtype: DType): number {
  if (isFloat(dtype)) return a / b;
  if (b === 0) return 0;
  return Math.trunc(a / b);
}

export const binaryKernels: Readonly<Record<string, Kernel>> = {
  Add: binaryKernel((a, b) => a + b),
  Sub: binaryKernel((a, b) => a - b),
  Mul: binaryKernel((a, b) => a * b),
  Div: binaryKernel(divide),
};
