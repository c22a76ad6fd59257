import { UserError } from '../ir/errors.js';
import type { BackendAdapter } from './adapter.js';
import { loadAdapterModule } from './external.js';
import { isolate, type IsolatedAdapter, type IsolationOptions } from './isolation/isolated-adapter.js';
import type { AdapterSource } from './isolation/protocol.js';
import { onnxruntimeNodeAdapter, ORT_OPT_LEVELS } from './onnxruntime-node.js';
import { onnxruntimeWebWasmAdapter } from './onnxruntime-web.js';
import { referenceCpuAdapter } from './reference-cpu.js';
import { referenceWebGpuAdapter } from './reference-webgpu.js';
import { TFJS_BACKENDS, tfjsAdapter } from './tfjs-adapter.js';

export type AdapterFactory = () => BackendAdapter;

/** Named adapter factories. A name registered twice is a programming error and throws. */
export class BackendRegistry {
  private readonly factories = new Map<string, AdapterFactory>();
  private readonly sources = new Map<string, AdapterSource>();

  /** `source` says how a worker process recreates the adapter (default: a built-in of that name). */
  register(name: string, factory: AdapterFactory, source: AdapterSource = { builtin: name }): void {
    if (this.factories.has(name)) throw new Error(`backend '${name}' is registered twice`);
    this.factories.set(name, factory);
    this.sources.set(name, source);
  }

  /** The adapter running in its own worker process, so that its crashes and hangs become verdicts. */
  createIsolated(name: string, options: IsolationOptions): IsolatedAdapter {
    return isolate(this.create(name), this.sources.get(name)!, options);
  }

  names(): string[] {
    return [...this.factories.keys()];
  }

  create(name: string): BackendAdapter {
    this.checkNames([name]);
    return this.factories.get(name)!();
  }

  /** Throws the usage error create() would, without creating anything (for a parent of worker processes). */
  checkNames(names: readonly string[]): void {
    const unknown = names.find((n) => !this.factories.has(n));
    if (unknown !== undefined) throw new UserError(`unknown backend '${unknown}' (known: ${this.names().join(', ')})`);
  }
}

/** The built-in backends plus those of external adapter modules (--backend-module). */
export async function backendsWithModules(modulePaths: readonly string[]): Promise<BackendRegistry> {
  const registry = builtinBackends();
  for (const path of modulePaths) {
    for (const adapter of await loadAdapterModule(path)) {
      if (registry.names().includes(adapter.name)) throw new UserError(`--backend-module '${path}': a backend named '${adapter.name}' already exists`);
      registry.register(adapter.name, () => adapter, { module: path, name: adapter.name });
    }
  }
  return registry;
}

export function builtinBackends(): BackendRegistry {
  const r = new BackendRegistry();
  for (const level of ORT_OPT_LEVELS) r.register(`ort-${level}`, () => onnxruntimeNodeAdapter(level));
  r.register('ort-web-wasm', onnxruntimeWebWasmAdapter);
  r.register('ref-cpu', referenceCpuAdapter);
  r.register('ref-webgpu', referenceWebGpuAdapter);
  for (const backend of TFJS_BACKENDS) r.register(`tfjs-${backend}`, () => tfjsAdapter(backend));
  return r;
}
