import { join } from 'node:path';
import type { Command } from 'commander';
import { writeTestFiles } from '../../store/case-folder.js';
import { openReproCase, reproduceCase, type BackendReproduction } from '../../campaign/repro.js';
import { generatorForTest, judgeTest, readCampaignConfig } from '../../campaign/repro-seed.js';
import { configBackendModules, createReproAdapters } from '../../campaign/repro-suts.js';
import { makeTestCase, type InputChoice } from '../../campaign/test-case.js';
import { describeUntrusted } from '../../inputsearch/clean.js';
import { UserError } from '../../ir/errors.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { isBug } from '../../oracles/verdict.js';
import { EXIT_BUGS, EXIT_ERROR, EXIT_OK, type CliIo } from '../io.js';
import { checkFolderFlag, parseList, parsePositiveNumber } from '../options.js';
import { backendOptions, chromiumOption, sutHosting, type BackendFlags } from './backend-flags.js';
import { expandBackendSets } from '../../backends/backend-sets.js';
import { builtinBackends } from '../../backends/registry.js';
import { DEFAULT_FUZZ_BACKENDS } from './fuzz.js';
import { generatorConfig, generatorOptions, inputChoice, inputSearchOptions, type GeneratorFlags, type InputSearchFlags } from './generator-flags.js';

interface ReproFlags extends BackendFlags, GeneratorFlags, InputSearchFlags {
  seed?: string;
  index?: string;
  campaign?: string;
  out?: string;
}

/** The flags that shape a generated test: they belong to --seed mode without --campaign (--search-ms aside). */
const GENERATOR_FLAGS: Readonly<Record<string, string>> = {
  maxNodes: '--max-nodes',
  ops: '--ops',
  excludeOps: '--exclude-ops',
  dtypes: '--dtypes',
  maxElements: '--max-elements',
  method: '--method',
  opset: '--opset',
  patternShare: '--pattern-share',
  inputSearch: '--no-input-search',
};

function parseIndex(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new UserError(`--index must be a test number (0, 1, 2...), got '${value}'`);
  return n;
}

/** Exit 1 while the bug reproduces on some SUT, 2 when a SUT could not judge the case, else 0. */
function reproExitCode(results: readonly BackendReproduction[]): number {
  if (results.some((r) => r.status === 'reproduces')) return EXIT_BUGS;
  if (results.some((r) => r.status === 'undecided')) return EXIT_ERROR;
  return EXIT_OK;
}

export function reproCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = inputSearchOptions(
    generatorOptions(
      backendOptions(
        program
          .command('repro')
          .description(
            'replay a bug case folder and tell whether its bug is still there (exit 1 while it is, 0 once it is gone); ' +
              'or, with --seed and --index, regenerate that test of a campaign and judge it on its SUTs',
          )
          .argument('[case]', 'a bug case folder (or its reduced/ folder)')
          .option('--seed <seed>', "regenerate a test of this seed (default with --campaign: the campaign's seed)")
          .option('--index <i>', 'the number of the test to regenerate (0 is the first)')
          .option('--campaign <dir>', "with --index: take the generator, input and SUT settings from DIR/summary.json's config")
          .option('--out <dir>', 'with --index: also write the test (model.json, model.onnx, inputs.json) here'),
        '',
      ),
    ),
  );
  const backends = command.options.find((o) => o.long === '--backends');
  if (backends) backends.defaultValueDescription = "the case's SUT; with --index, the campaign's SUTs; only the command line overrides it";
  command.addHelpText('after', '\nThe generator and input flags shape the test of --seed S --index I without --campaign.\nExit codes: 1 the bug reproduces (or, with --index, some SUT fails the test), 0 it does not, 2 error or undecidable.\n');
  command.action(async (casePath: string | undefined, opts: ReproFlags, cmd: Command) => {
    const fromCli = (key: string) => cmd.getOptionValueSource(key) === 'cli';
    const cliBackends = fromCli('backends') ? parseList(opts.backends) : undefined;
    if (cliBackends?.length === 0) throw new UserError('--backends is empty: name at least one SUT');
    const registry = builtinRegistry();

    if (casePath !== undefined) {
      const seedFlag = ['seed', 'index', 'campaign', 'out'].find(fromCli);
      if (seedFlag) throw new UserError(`repro takes either a CASE folder or --seed S --index I, not both (drop --${seedFlag} or the folder)`);
      const generatorFlag = [...Object.keys(GENERATOR_FLAGS), 'searchMs'].find(fromCli);
      if (generatorFlag) throw new UserError(`${GENERATOR_FLAGS[generatorFlag] ?? '--search-ms'} applies to repro --seed only: a case folder holds its test`);
      const c = openReproCase(casePath, registry);
      const names = cliBackends ?? [c.meta.verdict.backend];
      const suts = await createReproAdapters(names, sutHosting(opts, configBackendModules(c.meta.config, join(casePath, 'meta.json')), io.cacheDir));
      const result = await reproduceCase(c, suts.adapters, registry).finally(suts.close);
      for (const note of result.versionNotes) io.out(`${note}\n`);
      for (const r of result.results) io.out(`${r.line}\n`);
      setExit(reproExitCode(result.results));
      return;
    }

    if (opts.index === undefined) throw new UserError('repro needs a CASE folder, or --seed S --index I (with --campaign DIR for a campaign\'s test)');
    const index = parseIndex(opts.index);
    if (opts.out !== undefined) checkFolderFlag('--out', opts.out);
    const campaign = opts.campaign !== undefined ? readCampaignConfig(opts.campaign) : undefined;
    if (campaign) {
      const generatorFlag = Object.keys(GENERATOR_FLAGS).find(fromCli);
      if (generatorFlag) throw new UserError(`--campaign takes the generator settings from summary.json: drop ${GENERATOR_FLAGS[generatorFlag]}`);
    }
    const seed = opts.seed ?? campaign?.seed;
    if (seed === undefined) throw new UserError('repro --index needs --seed S (or --campaign DIR, whose seed it then uses)');
    // A larger search budget only lets a slower machine finish the search the campaign finished.
    const inputs: InputChoice = !campaign
      ? inputChoice(opts)
      : campaign.inputs.search && fromCli('searchMs')
        ? { ...campaign.inputs, budgetMs: parsePositiveNumber('--search-ms', opts.searchMs) }
        : campaign.inputs;
    const config = campaign ? generatorForTest(opts.campaign!, campaign, index) : generatorConfig(opts);
    const test = await makeTestCase({ seed, index, config, registry, inputs });
    const ops = [...new Set(test.model.nodes.map((n) => n.op))].join(', ');
    io.out(`test ${index} of seed '${seed}': ${test.model.nodes.length} nodes (${ops})\n`);
    if (opts.out !== undefined) {
      writeTestFiles(opts.out, test);
      io.out(`wrote ${join(opts.out, 'model.json')}, model.onnx, inputs.json\n`);
    }
    if (test.untrusted) {
      const hint = inputs.search ? ' (or its input search ran out of budget on this machine: try a larger --search-ms)' : '';
      throw new UserError(`test ${index} of seed '${seed}' cannot judge a SUT, ${describeUntrusted(test.untrusted)}: a campaign discards it${hint}`);
    }
    const listed = cliBackends ?? campaign?.backends ?? parseList(DEFAULT_FUZZ_BACKENDS);
    const names = await expandBackendSets(listed, builtinBackends(chromiumOption(opts)), (name, why) => io.err(`skipping ${name}: ${why}\n`));
    const suts = await createReproAdapters(names, sutHosting(opts, campaign?.backendModules ?? [], io.cacheDir));
    const verdicts = await judgeTest(test, suts.adapters).finally(suts.close);
    for (const v of verdicts) {
      const detail = v.message ? `: ${v.message}` : v.worst ? ` (worst error ${v.worst.errorRatio.toExponential(2)} of the allowed error)` : '';
      io.out(`${v.backend.padEnd(14)} ${v.kind}${detail}\n`);
    }
    setExit(verdicts.some((v) => isBug(v.kind)) ? EXIT_BUGS : EXIT_OK);
  });
}
