import type { Command } from 'commander';
import { attrText, describeRegistry } from '../../opspec/describe.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { EXIT_OK, type CliIo } from '../io.js';

export function opsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('ops')
    .description('list every operator with its versions, dtypes, input ranks, attributes and domain rules')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      const ops = describeRegistry(builtinRegistry());
      if (opts.json) {
        io.out(JSON.stringify(ops, null, 2) + '\n');
      } else {
        for (const op of ops) {
          const version = `${op.sinceVersion}${op.supersededAt ? `..${op.supersededAt - 1}` : '+'}`;
          io.out(`${op.name} (opset ${version}) T in {${op.dtypes.join(', ')}}\n`);
          for (const i of op.inputs) {
            const dtypes = i.dtypes === 'T' ? 'T' : i.dtypes.join('|');
            const notes = [i.optional ? 'optional' : '', i.variadic ? `${i.variadic.join('..')} of them` : '', i.constantFrom ? 'constant' : '']
              .filter(Boolean)
              .join(', ');
            io.out(`  input ${i.name}: ${dtypes}, rank ${i.rank}${notes ? ` (${notes})` : ''}\n`);
          }
          for (const [name, a] of Object.entries(op.attrs)) io.out(`  attr ${attrText(name, a)}\n`);
          if (op.domain) io.out(`  domain ${op.domain}\n`);
        }
        io.out(`${new Set(ops.map((o) => o.name)).size} ops\n`);
      }
      setExit(EXIT_OK);
    });
}
