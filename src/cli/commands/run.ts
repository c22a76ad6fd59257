import type { Command } from 'commander';
import { loadTest, replayTest } from '../../campaign/replay.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { isBug } from '../../oracles/verdict.js';
import { EXIT_BUGS, EXIT_OK, type CliIo } from '../io.js';
import { backendOptions, createAdapters, type BackendFlags } from './backend-flags.js';
import { describeUntrusted } from '../../inputsearch/clean.js';
import { writeRunCases } from '../../campaign/run-cases.js';
import { checkFolderFlag, parseTimeoutMs } from '../options.js';
import { TOOL_VERSION } from '../version.js';

export function runCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  backendOptions(
    program
      .command('run')
      .description('run a case folder, model.json or model.onnx on the reference and the given backends; print each verdict')
      .argument('<path>', 'a case folder, a model.json or a model.onnx')
      .option('--seed <seed>', 'seed for random inputs when the model has no inputs.json', '0')
      .option('--out <dir>', 'write a bug case folder (DIR/<SUT>, with repro scripts) for every SUT that fails'),
    'ort-disabled,ort-all',
  ).action(async (path: string, opts: BackendFlags & { seed: string; out?: string }) => {
      if (opts.out !== undefined) checkFolderFlag('--out', opts.out);
      const registry = builtinRegistry();
      const test = loadTest(path, registry, opts.seed);
      const { adapters, close } = await createAdapters(opts, io.cacheDir);
      io.out(`model: ${test.model.nodes.length} nodes; inputs: ${test.inputSource}\n`);
      try {
        const result = await replayTest(test, adapters, registry);
        if (result.untrusted) {
          io.out(`note: ${describeUntrusted(result.untrusted)}; verdicts on these inputs are weak\n`);
        }
        let bugs = 0;
        for (const { verdict, knownBug } of result.outcomes) {
          if (isBug(verdict.kind)) bugs++;
          const detail = verdict.message ? `: ${verdict.message}` : verdict.worst ? ` (worst error ${verdict.worst.errorRatio.toExponential(2)} of the allowed error)` : '';
          const known = knownBug ? ` [known bug corpus/${knownBug.corpus}]` : '';
          io.out(`${verdict.backend.padEnd(14)} ${verdict.kind}${known}${detail}\n`);
        }
        if (opts.out !== undefined) {
          const written = await writeRunCases({ outDir: opts.out, source: path, seed: opts.seed, test, result, adapters, toolVersion: TOOL_VERSION, timeoutMs: parseTimeoutMs(opts.timeout) });
          for (const [sut, dir] of written) io.out(`case folder of ${sut}: ${dir}\n`);
        }
        setExit(bugs > 0 ? EXIT_BUGS : EXIT_OK);
      } finally {
        close();
      }
    });
}
