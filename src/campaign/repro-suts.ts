import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendAdapter } from '../backends/adapter.js';
import { loadAdapterModule } from '../backends/external.js';
import type { IsolationLimits } from '../backends/isolation/isolated-adapter.js';
import { loadProbe, withProbe } from '../backends/probe.js';
import { builtinBackends, type BackendRegistry } from '../backends/registry.js';
import { UserError } from '../ir/errors.js';
import { builtinRegistry } from '../opspec/ops/index.js';

/** How the SUTs of a replay are found and hosted. */
export interface SutHosting {
  /** Adapter modules named on the command line: loaded first, so their adapters win over same-named ones of the config. */
  readonly cliModules: readonly string[];
  /** Adapter modules the case's (or campaign's) config names; one that does not exist on this machine is skipped. */
  readonly configModules: readonly string[];
  readonly isolation: boolean;
  readonly limits: IsolationLimits;
  /** Where capability probes are cached; the campaign judged with them, so the replay does too. */
  readonly cacheDir?: string;
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

/**
 * The built-in backends plus those of the adapter modules: the command line's first, then the
 * config's, skipping a config module that is missing here or whose adapter a command-line module
 * already provides (a rebuilt adapter given with --backend-module replaces the recorded one).
 */
export async function reproBackends(hosting: Pick<SutHosting, 'cliModules' | 'configModules'>): Promise<{ registry: BackendRegistry; missingModules: string[] }> {
  const registry = builtinBackends();
  const builtins = new Set(registry.names());
  const loaded = new Set<string>();
  const missingModules: string[] = [];
  const add = async (path: string, fromConfig: boolean) => {
    const file = resolve(path);
    if (loaded.has(file)) return;
    loaded.add(file);
    if (fromConfig && !existsSync(file)) {
      missingModules.push(path);
      return;
    }
    for (const adapter of await loadAdapterModule(file)) {
      if (builtins.has(adapter.name)) throw new UserError(`adapter module '${path}': a built-in backend is already named '${adapter.name}'`);
      if (registry.names().includes(adapter.name)) {
        if (fromConfig) continue;
        throw new UserError(`--backend-module '${path}': another module already gives a backend named '${adapter.name}'`);
      }
      registry.register(adapter.name, () => adapter, { module: file, name: adapter.name });
    }
  };
  for (const path of hosting.cliModules) await add(path, false);
  for (const path of hosting.configModules) await add(path, true);
  return { registry, missingModules };
}

/**
 * The named SUTs, each in its own worker process unless isolation is off, refined by a cached
 * capability probe as in the campaign; close() ends the workers.
 */
export async function createReproAdapters(names: readonly string[], hosting: SutHosting): Promise<{ adapters: BackendAdapter[]; close(): void }> {
  const { registry, missingModules } = await reproBackends(hosting);
  for (const name of names) {
    if (!registry.names().includes(name) && missingModules.length > 0) {
      throw new UserError(
        `unknown backend '${name}': the adapter module the case was recorded with is not on this machine (${missingModules.join(', ')}); give it with --backend-module PATH`,
      );
    }
  }
  const created = names.map((n) => (hosting.isolation ? registry.createIsolated(n, hosting.limits) : registry.create(n)));
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
