import type { BackendAdapter } from '../adapter.js';
import { ORT_OPT_LEVELS } from '../onnxruntime-options.js';

/**
 * How a worker process creates a built-in adapter by importing that adapter's own module only, or
 * undefined for a name it does not know. The registry imports every built-in's module (tfjs,
 * onnxruntime-web, the WebGPU reference and their packages): a worker that hosts one SUT would pay
 * for all of them in start time and resident memory, once per worker.
 */
export function builtinFactory(name: string): (() => Promise<BackendAdapter>) | undefined {
  const ort = /^ort-(.+)$/.exec(name);
  const level = ort ? ORT_OPT_LEVELS.find((l) => l === ort[1]) : undefined;
  if (level) return async () => (await import('../onnxruntime-node.js')).onnxruntimeNodeAdapter(level);
  if (name === 'ort-web-wasm') return async () => (await import('../onnxruntime-web.js')).onnxruntimeWebWasmAdapter();
  if (name === 'ref-cpu') return async () => (await import('../reference-cpu.js')).referenceCpuAdapter();
  if (name === 'ref-webgpu') return async () => (await import('../reference-webgpu.js')).referenceWebGpuAdapter();
  const tfjs = /^tfjs-(.+)$/.exec(name);
  if (tfjs) {
    return async () => {
      const { TFJS_BACKENDS, tfjsAdapter } = await import('../tfjs-adapter.js');
      const backend = TFJS_BACKENDS.find((b) => b === tfjs[1]);
      // Not a tfjs backend after all: the registry says so (an unknown name) or knows it.
      return backend ? tfjsAdapter(backend) : viaRegistry(name);
    };
  }
  return undefined;
}

/**
 * A built-in adapter in a worker process: through its own module (builtinFactory), else through the
 * registry, which knows every built-in (a test keeps builtinFactory in step with it).
 */
export function createBuiltinAdapter(name: string): Promise<BackendAdapter> {
  return (builtinFactory(name) ?? (() => viaRegistry(name)))();
}

async function viaRegistry(name: string): Promise<BackendAdapter> {
  return (await import('../registry.js')).builtinBackends().create(name);
}
