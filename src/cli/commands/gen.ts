import type { Command } from 'commander';
import { makeTestCase } from '../../campaign/test-case.js';
import { writeTestFiles } from '../../store/case-folder.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { EXIT_ERROR, EXIT_OK, type CliIo } from '../io.js';
import { builtinBackends } from '../../backends/registry.js';
import { generationStats } from '../../campaign/stats.js';
import { UserError } from '../../ir/errors.js';
import { checkFolderFlag, parsePositiveInt } from '../options.js';
import { formatStats } from '../format-stats.js';
import { describeUntrusted } from '../../inputsearch/clean.js';
import { generatorOptions, generatorConfig, inputChoice, inputSearchOptions, type GeneratorFlags, type InputSearchFlags } from './generator-flags.js';

export function genCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  inputSearchOptions(generatorOptions(
    program
      .command('gen')
      .description('generate one model from a seed; writes model.json, model.onnx and inputs.json to --out')
      .option('--seed <seed>', 'the seed (any string)', '0')
      .option('--out <dir>', 'folder to write into')
      .option('--stats <n>', 'instead: generate the models of seeds (seed, 0..n-1) and print histograms and failures')
      .option('--load-with <backend>', 'with --stats: also load every model on this backend')
      .option('--json', 'with --stats: print JSON'),
  )).action(async (opts: GeneratorFlags & InputSearchFlags & { seed: string; out?: string; stats?: string; loadWith?: string; json?: boolean }) => {
    const registry = builtinRegistry();
    if (opts.stats !== undefined) {
      const stats = await generationStats({
        seed: opts.seed,
        count: parsePositiveInt('--stats', opts.stats),
        config: generatorConfig(opts),
        registry,
        ...(opts.loadWith ? { loadWith: builtinBackends().create(opts.loadWith) } : {}),
      });
      io.out(opts.json ? JSON.stringify(stats, null, 2) + '\n' : formatStats(stats));
      setExit(stats.invalid + stats.referenceErrors + Object.keys(stats.generationErrors).length + Object.keys(stats.loadErrors ?? {}).length > 0 ? EXIT_ERROR : EXIT_OK);
      return;
    }
    if (!opts.out) throw new UserError('gen needs --out DIR (or --stats N)');
    checkFolderFlag('--out', opts.out);
    const test = await makeTestCase({ seed: opts.seed, index: 0, config: generatorConfig(opts), registry, inputs: inputChoice(opts) });
    const out = opts.out;
    writeTestFiles(out, test);
    const ops = test.model.nodes.map((n) => n.op).join(', ');
    io.out(`wrote ${out}/model.json, model.onnx, inputs.json: ${test.model.nodes.length} nodes (${ops})\n`);
    if (test.untrusted) io.out(`note: ${describeUntrusted(test.untrusted)}; a campaign would discard this test\n`);
    setExit(EXIT_OK);
  });
}
