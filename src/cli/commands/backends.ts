import type { Command } from 'commander';
import { backendStatus } from '../../backends/availability.js';
import { backendsWithModules } from '../../backends/registry.js';
import { isIsolated } from '../../backends/isolation/isolated-adapter.js';
import { chromiumOption } from './backend-flags.js';
import { EXIT_OK, type CliIo } from '../io.js';
import { checkFolderFlag, collect } from '../options.js';
import { probeBackend, saveProbe } from '../../campaign/probe.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { UserError } from '../../ir/errors.js';

export function backendsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('backends')
    .description('list every system under test with its package version and whether it runs here')
    .option('--json', 'print [{"name", "package", "version", "available", "device", "reason"}]')
    .option('--backend-module <path>', 'also load the adapters of this ES module (repeatable)', collect, [])
    .option('--probe', 'also run single-op models of every op x dtype on each available SUT and cache the support matrix')
    .option('--cache-dir <dir>', 'where probes are cached (default ~/.cache/tensorsmith)')
    .option('--chromium <path>', 'the Chromium or Chrome the browser SUTs (chrome-*) run in (default: chromium, chromium-browser or google-chrome on PATH)')
    .action(async (opts: { json?: boolean; backendModule: string[]; probe?: boolean; cacheDir?: string; chromium?: string }) => {
      if (opts.cacheDir !== undefined) checkFolderFlag('--cache-dir', opts.cacheDir);
      const registry = await backendsWithModules(opts.backendModule, chromiumOption(opts));
      const statuses = [];
      for (const name of registry.names()) {
        const adapter = registry.create(name);
        try {
          statuses.push(await backendStatus(adapter));
        } finally {
          // A browser SUT's Chromium, a worker-hosted one's worker: ended before the next starts.
          if (isIsolated(adapter)) adapter.close();
        }
      }
      if (opts.probe) {
        const cacheDir = opts.cacheDir ?? io.cacheDir;
        if (!cacheDir) throw new UserError('backends --probe needs --cache-dir DIR');
        const ops = builtinRegistry();
        for (const s of statuses.filter((x) => x.available)) {
          // Probed in a worker: a SUT that crashes on some op must not end the probe.
          const adapter = registry.createIsolated(s.name, { timeoutMs: 30_000, memoryLimitMb: 4096 });
          try {
            const probe = await probeBackend(adapter, ops);
            const file = saveProbe(cacheDir, probe);
            const pairs = Object.values(probe.matrix).flatMap((row) => Object.values(row));
            io.err(`${s.name}: ${pairs.filter((p) => p.supported).length} of ${pairs.length} op/dtype pairs supported; cached in ${file}\n`);
          } finally {
            adapter.close();
          }
        }
      }
      if (opts.json) io.out(JSON.stringify(statuses, null, 2) + '\n');
      else {
        for (const s of statuses) {
          const version = s.package ? `${s.package} ${s.version}` : '';
          const where = [version, s.device].filter(Boolean).join('; ');
          io.out(`${s.name.padEnd(18)} ${s.available ? 'available' : `unavailable: ${s.reason}`}${where ? `  (${where})` : ''}\n`);
        }
      }
      setExit(EXIT_OK);
    });
}
