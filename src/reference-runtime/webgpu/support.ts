import type { DType } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import { inferNode } from '../../opspec/infer.js';
import type { OpRegistry } from '../../opspec/registry.js';
import type { GpuInput, WebGpuKernelArgs } from './program.js';
import type { WebGpuKernelRegistry } from './registry.js';
import { isGpuDType, type GpuDType } from './wgsl.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Why the WebGPU kernels cannot run a model (a 64-bit value, an op without a kernel, what a kernel's
 * validate refuses), or undefined. Static: it needs no device, so a SUT can say it before running.
 */
export function unsupportedOnGpu(model: Model, kernels: WebGpuKernelRegistry, registry: OpRegistry): string | undefined {
  const types = new Map<string, { dtype: DType; shape: readonly number[] }>();
  for (const i of model.inputs) {
    if (!isGpuDType(i.dtype)) return `input '${i.name}' is ${i.dtype}, which WGSL has no type for`;
    types.set(i.name, i);
  }
  // An int64 weight is a constant (a shape, axes, pads, indices): held as int32 when its values fit.
  for (const w of model.weights) {
    const t = w.value;
    if (isGpuDType(t.dtype) || (t.dtype === 'int64' && t.data.every((x) => x >= INT32_MIN && x <= INT32_MAX))) types.set(w.name, t);
    else return `weight '${w.name}' is ${t.dtype}${t.dtype === 'int64' ? ' with values beyond int32' : ''}, which WGSL has no type for`;
  }
  for (const node of model.nodes) {
    const kernel = kernels.find(node.op);
    if (!kernel) return `no WebGPU kernel for ${node.op}`;
    for (const o of node.outputs) if (!isGpuDType(o.dtype)) return `${node.name} (${node.op}) outputs ${o.dtype}, which WGSL has no type for`;
    if (kernel.validate) {
      const reason = kernel.validate(kernelArgs(model, node.name, types, registry));
      if (reason) return `${node.op}: ${reason}`;
    }
    for (const o of node.outputs) types.set(o.name, o);
  }
  return undefined;
}

/** Kernel arguments from the node's input types alone (for validate, before anything runs). */
function kernelArgs(model: Model, nodeName: string, types: ReadonlyMap<string, { dtype: DType; shape: readonly number[] }>, registry: OpRegistry): WebGpuKernelArgs {
  const node = model.nodes.find((n) => n.name === nodeName)!;
  const constants = new Map(model.weights.map((w) => [w.name, w.value]));
  const inputs: (GpuInput | undefined)[] = node.inputs.map((n) => {
    const t = n === '' ? undefined : types.get(n);
    if (!t) return undefined;
    // An int64 constant is held as int32 on the GPU.
    const dtype: GpuDType = t.dtype === 'int64' ? 'int32' : (t.dtype as GpuDType);
    return { dtype, shape: t.shape, ...(constants.has(n) ? { constant: constants.get(n)! } : {}) };
  });
  const specTypes = node.inputs.map((n) => (n === '' ? undefined : types.get(n)));
  const { outputs, attrs } = inferNode(registry.get(node.op, model.opset), node, specTypes, constants, model.opset);
  return { inputs, attrs, outputs };
}
