import type { Command } from 'commander';
import { SignatureDb } from '../../store/signatures.js';
import { UserError } from '../../ir/errors.js';
import { existsSync } from 'node:fs';
import { EXIT_OK, type CliIo } from '../io.js';

export function knownCommand(program: Command, io: CliIo, setExit: (code: number) => void, now: () => Date): void {
  program
    .command('known')
    .description('list the bugs of a signature database, or mark some fixed (a fixed bug that shows again is a regression)')
    .argument('<file>', 'the signature database (a campaign folder\'s signatures.json, or the file given to fuzz --known)')
    .option('--fixed <signatures...>', 'mark these signatures fixed')
    .option('--json', 'print the database as JSON')
    .action((file: string, opts: { fixed?: string[]; json?: boolean }) => {
      if (!existsSync(file)) throw new UserError(`'${file}' does not exist (give a signatures.json written by tensorsmith fuzz)`);
      const db = SignatureDb.open(file);
      if (opts.fixed) {
        db.markFixed(opts.fixed, now().toISOString());
        db.save();
        io.out(`marked ${opts.fixed.length} fixed in ${file}\n`);
      }
      if (opts.json) io.out(JSON.stringify(Object.fromEntries(db.entries()), null, 2) + '\n');
      else if (!opts.fixed) {
        for (const [hash, bug] of db.entries()) {
          io.out(`${hash}  ${bug.status.padEnd(5)}  ${bug.class} on ${bug.family} [${bug.ops.join(', ')}] last seen ${bug.lastSeen}\n`);
        }
      }
      setExit(EXIT_OK);
    });
}
