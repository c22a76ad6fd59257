import { createRequire } from 'node:module';
import type { DType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { castValues, type Tensor } from '../ir/tensor.js';
import { runReference } from '../reference-runtime/executor.js';
import { webGpuRuntime } from '../reference-runtime/webgpu/index.js';
import { webGpuKernels } from '../reference-runtime/webgpu/kernels/index.js';
import { isGpuDType } from '../reference-runtime/webgpu/wgsl.js';
import { unsupportedOnGpu } from '../reference-runtime/webgpu/support.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import type { BackendAdapter } from './adapter.js';
import { WGSL_PRECISION } from './wgsl-precision.js';

const require = createRequire(import.meta.url);
const kernels = webGpuKernels();
const registry = builtinRegistry();

interface Prepared {
  readonly model: Model;
  /** Why this model runs on the CPU kernels instead (no GPU adapter, an attribute WGSL cannot express). */
  readonly onCpu?: string;
}

/**
 * The reference runtime's WebGPU kernels as a SUT: float32, int32 and bool models in WGSL (WGSL has
 * no 64-bit types, so a model with int64 or float64 values gets the verdict `unsupported` with the
 * reason, per test, rather than running silently elsewhere). On a machine with no WebGPU adapter it
 * says so in its description and runs the CPU kernels.
 */
export function referenceWebGpuAdapter(): BackendAdapter<Prepared> {
  return {
    name: 'ref-webgpu',
    // Its kernels call WGSL builtins, whose accuracy WGSL bounds loosely.
    precision: WGSL_PRECISION,
    async describe() {
      const runtime = await webGpuRuntime();
      const version = (require('../../package.json') as { version: string }).version;
      const device = 'reason' in runtime ? `CPU kernels (no WebGPU: ${runtime.reason})` : runtime.adapterName;
      return { name: 'ref-webgpu', package: 'tensorsmith', version, device };
    },
    // int64 passes here: constants (shapes, axes, indices) are held as int32; knownDeviation refuses int64 data.
    supports: (op: string, dtypes: readonly DType[]) => kernels.find(op) !== undefined && dtypes.every((d) => isGpuDType(d) || d === 'int64'),
    knownDeviation: (model: Model) => {
      const reason = unsupportedOnGpu(model, kernels, registry);
      return reason ? `runs only on the CPU kernels: ${reason}` : undefined;
    },
    async prepare(artifact) {
      const runtime = await webGpuRuntime();
      if ('reason' in runtime) return { model: artifact.model, onCpu: runtime.reason };
      const reason = runtime.unsupported(artifact.model);
      return reason ? { model: artifact.model, onCpu: reason } : { model: artifact.model };
    },
    async run(prepared, inputs) {
      const runtime = await webGpuRuntime();
      if (prepared.onCpu || 'reason' in runtime) {
        const { outputs } = runReference(prepared.model, inputs);
        const out = new Map<string, Tensor>();
        for (const [name, t] of outputs) out.set(name, { dtype: t.dtype, shape: t.shape, data: castValues(t.dtype, Float64Array.from(t.data)) });
        return out;
      }
      return runtime.run(prepared.model, inputs);
    },
  };
}
