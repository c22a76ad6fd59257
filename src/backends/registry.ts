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
import { browserSut } from './browser/browser-sut.js';
import { findChromium } from './browser/chromium.js';
import { BROWSER_SUTS, browserSutSpec } from './browser/suts.js';

export type AdapterFactory = () => BackendAdapter;

/** A SUT that hosts itself out of tensorsmith's process (a browser page), isolated by construction. */
export type SelfHostedFactory = (options: IsolationOptions) => IsolatedAdapter;

/** Limits of a self-hosted SUT created without any (backends' listing, in-process use). */
const DEFAULT_SELF_HOSTED: IsolationOptions = { timeoutMs: 30_000, memoryLimitMb: 4096 };

type Entry = { readonly kind: 'worker'; readonly factory: AdapterFactory; readonly source: AdapterSource } | { readonly kind: 'self-hosted'; readonly factory: SelfHostedFactory };

/** Named adapter factories. A name registered twice is a programming error and throws. */
export class BackendRegistry {
  private readonly entries = new Map<string, Entry>();

  /** `source` says how a worker process recreates the adapter (default: a built-in of that name). */
  register(name: string, factory: AdapterFactory, source: AdapterSource = { builtin: name }): void {
    this.add(name, { kind: 'worker', factory, source });
  }

  /** A SUT that is its own isolation (see SelfHostedFactory): it never runs in a worker process. */
  registerSelfHosted(name: string, factory: SelfHostedFactory): void {
    this.add(name, { kind: 'self-hosted', factory });
  }

  private add(name: string, entry: Entry): void {
    if (this.entries.has(name)) throw new Error(`backend '${name}' is registered twice`);
    this.entries.set(name, entry);
  }

  /** The adapter running isolated (its own worker process, or its own host), so that its crashes and hangs become verdicts. */
  createIsolated(name: string, options: IsolationOptions): IsolatedAdapter {
    const entry = this.entry(name);
    return entry.kind === 'self-hosted' ? entry.factory(options) : isolate(entry.factory(), entry.source, options);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The SUTs a worker process hosts (the others host themselves). */
  workerHosted(): string[] {
    return [...this.entries].filter(([, e]) => e.kind === 'worker').map(([name]) => name);
  }

  /** The adapter in this process; a self-hosted one still runs in its own host, with default limits. */
  create(name: string): BackendAdapter {
    const entry = this.entry(name);
    return entry.kind === 'self-hosted' ? entry.factory(DEFAULT_SELF_HOSTED) : entry.factory();
  }

  private entry(name: string): Entry {
    this.checkNames([name]);
    return this.entries.get(name)!;
  }

  /** Throws the usage error create() would, without creating anything (for a parent of worker processes). */
  checkNames(names: readonly string[]): void {
    const unknown = names.find((n) => !this.entries.has(n));
    if (unknown !== undefined) throw new UserError(`unknown backend '${unknown}' (known: ${this.names().join(', ')})`);
  }
}

/** What the built-in backends need to know of this machine. */
export interface BuiltinOptions {
  /** The browser SUTs' Chromium (--chromium), else one found on PATH. */
  readonly chromium?: string;
}

/** The built-in backends plus those of external adapter modules (--backend-module). */
export async function backendsWithModules(modulePaths: readonly string[], options: BuiltinOptions = {}): Promise<BackendRegistry> {
  const registry = builtinBackends(options);
  for (const path of modulePaths) {
    for (const adapter of await loadAdapterModule(path)) {
      if (registry.names().includes(adapter.name)) throw new UserError(`--backend-module '${path}': a backend named '${adapter.name}' already exists`);
      registry.register(adapter.name, () => adapter, { module: path, name: adapter.name });
    }
  }
  return registry;
}

export function builtinBackends(options: BuiltinOptions = {}): BackendRegistry {
  const r = new BackendRegistry();
  for (const level of ORT_OPT_LEVELS) r.register(`ort-${level}`, () => onnxruntimeNodeAdapter(level));
  r.register('ort-web-wasm', onnxruntimeWebWasmAdapter);
  r.register('ref-cpu', referenceCpuAdapter);
  r.register('ref-webgpu', referenceWebGpuAdapter);
  for (const backend of TFJS_BACKENDS) r.register(`tfjs-${backend}`, () => tfjsAdapter(backend));
  const chromium = () => findChromium(options.chromium !== undefined ? { executable: options.chromium } : {});
  for (const name of BROWSER_SUTS) r.registerSelfHosted(name, (limits) => browserSut(browserSutSpec(name), { ...limits, chromium }));
  return r;
}
