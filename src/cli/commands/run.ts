import type { Command } from 'commander';
import { backendsWithModules } from '../../backends/registry.js';
import { loadTest, replayTest } from '../../campaign/replay.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { isBug } from '../../oracles/verdict.js';
import { EXIT_BUGS, EXIT_OK, type CliIo } from '../io.js';
import { collect, parseList } from '../options.js';
import { describeUntrusted } from '../../inputsearch/clean.js';

export function runCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a case folder, model.json or model.onnx on the reference and the given backends; print each verdict')
    .argument('<path>', 'a case folder, a model.json or a model.onnx')
    .option('--backends <list>', 'systems under test (comma-separated)', 'ort-disabled,ort-all')
    .option('--seed <seed>', 'seed for random inputs when the model has no inputs.json', '0')
    .option('--backend-module <path>', 'also load the adapters of this ES module (repeatable)', collect, [])
    .action(async (path: string, opts: { backends: string; seed: string; backendModule: string[] }) => {
      const registry = builtinRegistry();
      const backends = await backendsWithModules(opts.backendModule);
      const adapters = parseList(opts.backends).map((n) => backends.create(n));
      const test = loadTest(path, registry, opts.seed);
      io.out(`model: ${test.model.nodes.length} nodes; inputs: ${test.inputSource}\n`);
      const result = await replayTest(test, adapters, registry);
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
