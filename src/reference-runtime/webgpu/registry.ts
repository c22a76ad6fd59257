import type { WebGpuKernel } from './program.js';
import { OpTable } from '../op-table.js';

/** An explicit registry of WebGPU kernels, one per op, built from family groups; a second one for an op throws. */
export class WebGpuKernelRegistry extends OpTable<WebGpuKernel> {
  constructor(groups: readonly Readonly<Record<string, WebGpuKernel>>[] = []) {
    super('a WebGPU kernel', groups);
  }
}
