import type { Command } from 'commander';
import { loadTest, replayTest } from '../../campaign/replay.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { isBug } from '../../oracles/verdict.js';
import { EXIT_BUGS, EXIT_OK, type CliIo } from '../io.js';
import { backendOptions, createAdapters, type BackendFlags } from './backend-flags.js';
import { describeUntrusted } from '../../inputsearch/clean.js';

export function runCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  backendOptions(
    program
      .command('run')
      .description('run a case folder, model.json or model.onnx on the reference and the given backends; print each verdict')
      .argument('<path>', 'a case folder, a model.json or a model.onnx')
      .option('--seed <seed>', 'seed for random inputs when the model has no inputs.json', '0'),
    'ort-disabled,ort-all',
  ).action(async (path: string, opts: BackendFlags & { seed: string }) => {
      const registry = builtinRegistry();
      const test = loadTest(path, registry, opts.seed);
      const { adapters, close } = await createAdapters(opts, io.cacheDir);
      io.out(`model: ${test.model.nodes.length} nodes; inputs: ${test.inputSource}\n`);
      const result = await replayTest(test, adapters, registry).finally(close);
      if (result.untrusted) {
        io.out(`note: ${describeUntrusted(result.untrusted)}; verdicts on these inputs are weak\n`);
      }
      let bugs = 0;
      for (const { verdict } of result.outcomes) {
        if (isBug(verdict.kind)) bugs++;
        const detail = verdict.message ? `: ${verdict.message}` : verdict.worst ? ` (worst error ${verdict.worst.errorRatio.toExponential(2)} of tolerance)` : '';
        io.out(`${verdict.backend.padEnd(14)} ${verdict.kind}${detail}\n`);
      }
      setExit(bugs > 0 ? EXIT_BUGS : EXIT_OK);
    });
}
