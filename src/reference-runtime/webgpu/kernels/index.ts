import { WebGpuKernelRegistry } from '../registry.js';
import { binaryKernels } from './binary.js';
import { convKernels } from './conv.js';
import { matmulKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { normKernels } from './norm.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { resizeKernels } from './resize.js';
import { unaryKernels } from './unary.js';
import { thresholdKernels } from './thresholds.js';

/** The registry of every WebGPU kernel: one family file per group of ops. */
export function webGpuKernels(): WebGpuKernelRegistry {
  return new WebGpuKernelRegistry([unaryKernels, binaryKernels, reduceKernels, matmulKernels, normKernels, convKernels, poolKernels, resizeKernels, movementKernels, thresholdKernels]);
}
