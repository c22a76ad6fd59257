import type { Command } from 'commander';
import { runConformance } from '../../reference-runtime/conformance.js';
import { EXIT_ERROR, EXIT_OK, type CliIo } from '../io.js';

export function conformanceCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('conformance')
    .description('run the ONNX node conformance tests under DIR on the reference runtime')
    .argument('<dir>', "folder holding the ONNX node tests' test_* folders")
    .option('--json', 'print {"passed", "failed", "skipped", "failures", "skips"} as JSON')
    .option('--filter <regex>', 'only the tests whose folder name matches')
    .action((dir: string, opts: { json?: boolean; filter?: string }) => {
      const report = runConformance(dir, opts.filter ? { filter: new RegExp(opts.filter) } : {});
      if (opts.json) {
        io.out(JSON.stringify(report, null, 2) + '\n');
      } else {
        for (const s of report.skips) io.out(`skip  ${s.test}: ${s.reason}\n`);
        for (const f of report.failures) io.out(`FAIL  ${f.test}: ${f.reason}\n`);
        const run = report.passed + report.failed;
        const rate = run === 0 ? 0 : (100 * report.passed) / run;
        io.out(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped (${rate.toFixed(1)}% of the ${run} run)\n`);
      }
      setExit(report.failed > 0 ? EXIT_ERROR : EXIT_OK);
    });
}
