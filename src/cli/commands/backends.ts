import type { Command } from 'commander';
import { backendStatus } from '../../backends/availability.js';
import { backendsWithModules } from '../../backends/registry.js';
import { EXIT_OK, type CliIo } from '../io.js';
import { collect } from '../options.js';

export function backendsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('backends')
    .description('list every system under test with its package version and whether it runs here')
    .option('--json', 'print [{"name", "package", "version", "available", "reason"}]')
    .option('--backend-module <path>', 'also load the adapters of this ES module (repeatable)', collect, [])
    .action(async (opts: { json?: boolean; backendModule: string[] }) => {
      const registry = await backendsWithModules(opts.backendModule);
      const statuses = [];
      for (const name of registry.names()) statuses.push(await backendStatus(registry.create(name)));
      if (opts.json) io.out(JSON.stringify(statuses, null, 2) + '\n');
      else {
        for (const s of statuses) {
          const version = s.package ? `${s.package} ${s.version}` : '';
          io.out(`${s.name.padEnd(18)} ${s.available ? 'available' : `unavailable: ${s.reason}`}${version ? `  (${version})` : ''}\n`);
        }
      }
      setExit(EXIT_OK);
    });
}
