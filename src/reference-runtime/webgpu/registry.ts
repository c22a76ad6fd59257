import type { WebGpuKernel } from './program.js';

/** An explicit registry of WebGPU kernels, one per op; a second one for an op is a programming error. */
export class WebGpuKernelRegistry {
  private readonly kernels = new Map<string, WebGpuKernel>();

  /** Takes groups (one per family file); an op in two groups throws. */
  constructor(groups: readonly Readonly<Record<string, WebGpuKernel>>[] = []) {
    for (const group of groups) for (const [op, k] of Object.entries(group)) this.register(op, k);
  }

  register(op: string, kernel: WebGpuKernel): void {
    if (this.kernels.has(op)) throw new Error(`a WebGPU kernel for '${op}' is registered twice`);
    this.kernels.set(op, kernel);
  }

  find(op: string): WebGpuKernel | undefined {
    return this.kernels.get(op);
  }

  ops(): string[] {
    return [...this.kernels.keys()].sort();
  }
}
