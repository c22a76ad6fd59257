import { builtinRegistry } from '../../opspec/ops/index.js';
import type { OpRegistry } from '../../opspec/registry.js';
import { acquireGpu } from './device.js';
import { webGpuKernels } from './kernels/index.js';
import { WebGpuRuntime } from './runtime.js';
import type { ConformanceExecutor } from '../conformance.js';

export { WebGpuRuntime } from './runtime.js';

let created: Promise<WebGpuRuntime | { reason: string }> | undefined;

/** The process's WebGPU reference runtime, or why there is none (no adapter, no binding). */
export function webGpuRuntime(registry: OpRegistry = builtinRegistry()): Promise<WebGpuRuntime | { reason: string }> {
  created ??= acquireGpu().then((gpu) => ('device' in gpu ? new WebGpuRuntime(gpu.device, gpu.adapterName, webGpuKernels(), registry) : { reason: gpu.reason }));
  return created;
}

/** The WebGPU runtime as a conformance executor: models it cannot run (64-bit dtypes...) are skipped with the reason. */
export function webGpuConformanceExecutor(runtime: WebGpuRuntime): ConformanceExecutor {
  return async (model, inputs) => {
    const reason = runtime.unsupported(model);
    return reason ? { skip: `stays on the CPU kernels: ${reason}` } : runtime.run(model, inputs);
  };
}
