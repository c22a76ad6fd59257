import type { Command } from 'commander';
import { runConformance, type ConformanceExecutor } from '../../reference-runtime/conformance.js';
import { webGpuConformanceExecutor, webGpuRuntime } from '../../reference-runtime/webgpu/index.js';
import { UserError } from '../../ir/errors.js';
import { EXIT_ERROR, EXIT_OK, type CliIo } from '../io.js';

async function webGpuExecutor(io: CliIo): Promise<ConformanceExecutor> {
  const runtime = await webGpuRuntime();
  if ('reason' in runtime) throw new UserError(`--runtime webgpu: ${runtime.reason}; install a GPU driver or Mesa's lavapipe (mesa-vulkan-drivers)`);
  io.err(`WebGPU adapter: ${runtime.adapterName}\n`);
  return webGpuConformanceExecutor(runtime);
}

function parseFilter(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
    throw new UserError(`--filter '${value}' is not a valid regular expression (${why}); escape special characters such as ( [ + with a backslash`);
  }
}

export function conformanceCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('conformance')
    .description('run the ONNX node conformance tests under DIR on the reference runtime')
    .argument('<dir>', "folder holding the ONNX node tests' test_* folders")
    .option('--json', 'print {"passed", "failed", "skipped", "failures", "skips"} as JSON')
    .option('--filter <regex>', 'only the tests whose folder name matches')
    .option('--runtime <runtime>', 'cpu (float64 kernels) or webgpu (WGSL kernels; float32, int32 and bool models)', 'cpu')
    .action(async (dir: string, opts: { json?: boolean; filter?: string; runtime: string }) => {
      if (opts.runtime !== 'cpu' && opts.runtime !== 'webgpu') throw new UserError(`--runtime must be cpu or webgpu, got '${opts.runtime}'`);
      const filter = opts.filter !== undefined ? parseFilter(opts.filter) : undefined;
      const execute = opts.runtime === 'webgpu' ? await webGpuExecutor(io) : undefined;
      const report = await runConformance(dir, { ...(filter ? { filter } : {}), ...(execute ? { execute } : {}) });
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
