import { resolve } from 'node:path';
import type { BackendAdapter } from '../backends/adapter.js';
import { loadAdapterModule } from '../backends/external.js';
import type { IsolationLimits } from '../backends/isolation/isolated-adapter.js';
import { loadProbe, withProbe } from './probe.js';
import { builtinBackends, type BackendRegistry } from '../backends/registry.js';
import { UserError } from '../ir/errors.js';
import { builtinRegistry } from '../opspec/ops/index.js';

/** How the SUTs of a replay are found and hosted. */
export interface SutHosting {
  /** Adapter modules the user gave (--backend-module, or their own config file): the only code a replay loads. */
  readonly cliModules: readonly string[];
  /**
   * Adapter modules the case's (or campaign's) recorded config names. Never loaded: a case folder
   * is data that others wrote, and loading its modules would run their code. They are only named
   * in the message that says which flag to add.
   */
  readonly configModules: readonly string[];
  readonly isolation: boolean;
  readonly limits: IsolationLimits;
  /** Where capability probes are cached; the campaign judged with them, so the replay does too. */
  readonly cacheDir?: string;
  /** The browser SUTs' Chromium (--chromium), else one on PATH. */
  readonly chromium?: string;
}

/** The adapter module paths a campaign config lists (`backendModules`), or none. */
export function configBackendModules(config: Readonly<Record<string, unknown>> | undefined, where: string): string[] {
  const list: unknown = config?.backendModules;
  if (list === undefined) return [];
  const paths = Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
  if (!Array.isArray(list) || paths.length !== list.length) {
    throw new UserError(`${where}: config.backendModules must be a list of adapter module paths`);
  }
  return paths;
}

/** The built-in backends plus those of the adapter modules the user gave. */
export async function reproBackends(hosting: Pick<SutHosting, 'cliModules' | 'chromium'>): Promise<BackendRegistry> {
  const registry = builtinBackends(hosting.chromium !== undefined ? { chromium: hosting.chromium } : {});
  const builtins = new Set(registry.names());
  const loaded = new Set<string>();
  for (const path of hosting.cliModules) {
    const file = resolve(path);
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const adapter of await loadAdapterModule(file)) {
      if (builtins.has(adapter.name)) throw new UserError(`adapter module '${path}': a built-in backend is already named '${adapter.name}'`);
      if (registry.names().includes(adapter.name)) throw new UserError(`--backend-module '${path}': another module already gives a backend named '${adapter.name}'`);
      registry.register(adapter.name, () => adapter, { module: file, name: adapter.name });
    }
  }
  return registry;
}

/**
 * The named SUTs, each in its own worker process unless isolation is off, refined by a cached
 * capability probe as in the campaign; close() ends the workers.
 */
export async function createReproAdapters(names: readonly string[], hosting: SutHosting): Promise<{ adapters: BackendAdapter[]; close(): void }> {
  const registry = await reproBackends(hosting);
  for (const name of names) {
    if (!registry.names().includes(name) && hosting.configModules.length > 0) {
      const recorded = hosting.configModules.map((m) => JSON.stringify(m)).join(', ');
      throw new UserError(
        `unknown backend '${name}': the case was recorded with the adapter module ${recorded}, which tensorsmith does not load from a case or campaign folder; give it with --backend-module PATH`,
      );
    }
  }
  // A browser SUT hosts itself (its page is its isolation), with the limits given, either way.
  const created = names.map((n) => (hosting.isolation || !registry.workerHosted().includes(n) ? registry.createIsolated(n, hosting.limits) : registry.create(n)));
  const close = () => created.forEach((a) => ('close' in a && typeof a.close === 'function' ? a.close() : undefined));
  const ops = builtinRegistry();
  const adapters: BackendAdapter[] = [];
  try {
    for (const adapter of created) {
      const probe = hosting.cacheDir ? await loadProbe(hosting.cacheDir, adapter) : undefined;
      adapters.push(probe ? withProbe(adapter, probe, ops) : adapter);
    }
  } catch (e) {
    close();
    throw e;
  }
  return { adapters, close };
}
