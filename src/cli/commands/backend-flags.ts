import type { Command } from 'commander';
import type { BackendAdapter } from '../../backends/adapter.js';
import { backendsWithModules } from '../../backends/registry.js';
import { collect, parseList, parsePositiveNumber } from '../options.js';

export interface BackendFlags {
  backends: string;
  backendModule: string[];
  timeout: string;
  memoryLimit: string;
  isolation: boolean;
}

/** The flags that choose and host the systems under test, shared by fuzz and run. */
export function backendOptions(cmd: Command, defaultBackends: string): Command {
  return cmd
    .option('--backends <list>', 'systems under test (comma-separated)', defaultBackends)
    .option('--backend-module <path>', 'also load the adapters of this ES module (repeatable)', collect, [])
    .option('--timeout <seconds>', 'per compile or run of a SUT; past it the SUT is killed and the verdict is hang', '30')
    .option('--memory-limit <mb>', "a SUT worker's resident memory limit; past it the SUT is killed and the verdict is crash", '4096')
    .option('--no-isolation', 'run the SUTs in this process (faster; a SUT crash ends the command)');
}

/** The chosen adapters, each in its own worker process unless --no-isolation; close() ends the workers. */
export async function createAdapters(flags: BackendFlags): Promise<{ adapters: BackendAdapter[]; close(): void }> {
  const registry = await backendsWithModules(flags.backendModule);
  const names = parseList(flags.backends);
  const limits = {
    timeoutMs: parsePositiveNumber('--timeout', flags.timeout) * 1000,
    memoryLimitMb: parsePositiveNumber('--memory-limit', flags.memoryLimit),
  };
  if (!flags.isolation) return { adapters: names.map((n) => registry.create(n)), close: () => undefined };
  const isolated = names.map((n) => registry.createIsolated(n, limits));
  return { adapters: isolated, close: () => isolated.forEach((a) => a.close()) };
}
