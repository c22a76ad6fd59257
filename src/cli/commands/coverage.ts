import type { Command } from 'commander';
import { coverageText } from '../../campaign/report/coverage-table.js';
import { readSummary } from '../../store/summary.js';
import { EXIT_OK, type CliIo } from '../io.js';

/** `tensorsmith coverage DIR`: which rewrites a campaign's tests made each SUT's optimizer perform (tfjs: which fused kernels it ran). */
export function coverageCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('coverage')
    .description("print which rewrites (onnxruntime's graph transformers, tfjs's fused kernels) a campaign's tests made each SUT perform, with the tests that did and the first of them")
    .argument('<dir>', 'a campaign folder (fuzz --out or merge --out)')
    .option('--json', "print summary.json's coverage block as JSON")
    .action((dir: string, opts: { json?: boolean }) => {
      const { coverage } = readSummary(dir);
      io.out(opts.json ? JSON.stringify(coverage, null, 2) + '\n' : coverageText(coverage));
      setExit(EXIT_OK);
    });
}
