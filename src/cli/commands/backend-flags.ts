import type { Command } from 'commander';
import type { BackendAdapter } from '../../backends/adapter.js';
import type { WarmupTest } from '../../backends/isolation/isolated-adapter.js';
import { backendsWithModules } from '../../backends/registry.js';
import { checkFolderFlag, collect, parseNonEmptyList, parsePositiveNumber, parseTimeoutMs } from '../options.js';
import { loadProbe, withProbe } from '../../campaign/probe.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import type { SutHosting } from '../../campaign/repro-suts.js';

export interface BackendFlags {
  backends: string;
  backendModule: string[];
  timeout: string;
  memoryLimit: string;
  isolation: boolean;
  cacheDir?: string;
  chromium?: string;
}

/** --chromium as the registry's option (absent: a Chromium on PATH). */
export function chromiumOption(flags: { chromium?: string }): { chromium?: string } {
  return flags.chromium !== undefined ? { chromium: flags.chromium } : {};
}

/** The flags that choose and host the systems under test, shared by fuzz and run. */
export function backendOptions(cmd: Command, defaultBackends: string): Command {
  return cmd
    .option('--backends <list>', 'systems under test (comma-separated)', defaultBackends)
    .option('--backend-module <path>', 'also load the adapters of this ES module (repeatable)', collect, [])
    .option('--timeout <duration>', 'per compile or run of a SUT (seconds, or 30s, 2m); past it the SUT is killed and the verdict is hang', '30')
    .option('--memory-limit <mb>', "a SUT worker's resident memory limit; past it the SUT is killed and the verdict is crash", '4096')
    .option('--no-isolation', 'run the SUTs in this process (faster; a SUT crash ends the command)')
    .option('--cache-dir <dir>', 'where capability probes are cached (see backends --probe)')
    .option('--chromium <path>', 'the Chromium or Chrome the browser SUTs (chrome-*) run in (default: chromium, chromium-browser or google-chrome on PATH)');
}

/**
 * The chosen adapters, each in its own worker process unless --no-isolation, refined by a cached
 * capability probe when one exists for the SUT's version; close() ends the workers.
 */
export async function createAdapters(
  flags: BackendFlags,
  defaultCacheDir: string | undefined,
  options: { spares?: number; warmup?: WarmupTest } = {},
): Promise<{ adapters: BackendAdapter[]; close(): void }> {
  const names = parseNonEmptyList('--backends', flags.backends, 'SUT (see tensorsmith backends)');
  if (flags.cacheDir !== undefined) checkFolderFlag('--cache-dir', flags.cacheDir);
  const registry = await backendsWithModules(flags.backendModule, chromiumOption(flags));
  const limits = {
    timeoutMs: parseTimeoutMs(flags.timeout),
    memoryLimitMb: parsePositiveNumber('--memory-limit', flags.memoryLimit),
  };
  // A campaign restarts workers often (after each failure, to confirm each finding): spares wait loaded.
  const created = names.map((n) => {
    // A browser SUT hosts itself (its page is its isolation), with the limits given, either way.
    if (!flags.isolation && registry.workerHosted().includes(n)) return registry.create(n);
    const local = registry.create(n);
    // A worker warms up on the smoke test only when the SUT claims to run it.
    const warmup = options.warmup && local.supports('Relu', ['float32']) ? { warmup: options.warmup } : {};
    return registry.createIsolated(n, { ...limits, spares: options.spares ?? 0, ...warmup });
  });
  const cacheDir = flags.cacheDir ?? defaultCacheDir;
  const ops = builtinRegistry();
  const adapters: BackendAdapter[] = [];
  for (const adapter of created) {
    const probe = cacheDir ? await loadProbe(cacheDir, adapter) : undefined;
    adapters.push(probe ? withProbe(adapter, probe, ops) : adapter);
  }
  return { adapters, close: () => created.forEach((a) => ('close' in a && typeof a.close === 'function' ? a.close() : undefined)) };
}

/** How repro and reduce host the SUT of a case: the flags, plus the adapter modules the campaign recorded. */
export function sutHosting(flags: BackendFlags, configModules: readonly string[], defaultCacheDir: string | undefined): SutHosting {
  if (flags.cacheDir !== undefined) checkFolderFlag('--cache-dir', flags.cacheDir);
  const cacheDir = flags.cacheDir ?? defaultCacheDir;
  return {
    cliModules: flags.backendModule,
    configModules,
    ...chromiumOption(flags),
    isolation: flags.isolation,
    limits: {
      timeoutMs: parseTimeoutMs(flags.timeout),
      memoryLimitMb: parsePositiveNumber('--memory-limit', flags.memoryLimit),
    },
    ...(cacheDir ? { cacheDir } : {}),
  };
}
