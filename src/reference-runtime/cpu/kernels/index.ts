import { KernelRegistry } from '../kernel.js';
import { binaryKernels } from './binary.js';
import { concatKernel } from './concat.js';
import { convKernel } from './conv.js';
import { matmulKernel } from './matmul.js';
import { reduceKernels } from './reduce.js';
import { reshapeKernel } from './reshape.js';
import { softmaxKernel } from './softmax.js';
import { transposeKernel } from './transpose.js';
import { unaryKernels } from './unary.js';

/** The registry of every float64 CPU kernel. */
export function cpuKernels(): KernelRegistry {
  return new KernelRegistry([
    unaryKernels,
    binaryKernels,
    reduceKernels,
    {
      MatMul: matmulKernel,
      Conv: convKernel,
      Reshape: reshapeKernel,
      Transpose: transposeKernel,
      Concat: concatKernel,
      Softmax: softmaxKernel,
    },
  ]);
}
