import { mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { runFuzzCampaign, type BugEntry, type CampaignSummary } from '../../campaign/fuzz.js';
import { runParallelCampaign } from '../../campaign/parallel.js';
import { parseShard, WHOLE } from '../../campaign/shard.js';
import { UserError } from '../../ir/errors.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { EXIT_BUGS, EXIT_OK, type CliIo } from '../io.js';
import { ORACLE_KINDS, type OracleKind } from '../../oracles/test-bounds.js';
import { checkFileFlag, checkFolderFlag, parseNonEmptyList, parseNonNegativeInt, parsePercent, parsePositiveInt, parseTimeoutMs, parseDurationSec } from '../options.js';
import { backendOptions, chromiumOption, createAdapters, type BackendFlags } from './backend-flags.js';
import { backendsWithModules } from '../../backends/registry.js';
import { expandBackendSets } from '../../backends/backend-sets.js';
import { statusLine } from '../status-line.js';
import { TOOL_VERSION } from '../version.js';
import { generatorConfig, generatorOptions, inputChoice, inputSearchOptions, type GeneratorFlags, type InputSearchFlags } from './generator-flags.js';
import { DEFAULT_REDUCTION_BUDGET } from '../../reduce/search.js';
import { SMOKE_INPUTS, SMOKE_MODEL } from '../../backends/availability.js';
import { modelToOnnx } from '../../export/to-onnx.js';
import { replayCommand } from '../../campaign/replay-command.js';
import { bugKind, formatCampaignEnd } from '../format-campaign.js';
import { recordCampaignFlags, restoreCampaignFlags } from './fuzz-resume.js';
import { checkResumable } from '../../campaign/resume.js';

/**
 * Loaded workers a SUT keeps ready while its restarts come in a burst (see IsolationOptions.spares):
 * two absorb a reduction's, but each is a Node process with the SUT loaded (about 90 MB for
 * onnxruntime) and a burst on one SUT can overlap the spares another has not yet ended, so with
 * three SUTs or more it is one.
 */
function spareWorkers(suts: number): number {
  return suts >= 3 ? 1 : 2;
}

/** Every SUT that runs in Node here (see BACKEND_SETS), chosen by bench/defaults.mjs (README: defaults). */
export const DEFAULT_FUZZ_BACKENDS = 'local';

interface FuzzFlags extends GeneratorFlags, BackendFlags, InputSearchFlags {
  time: string;
  guidance: boolean;
  seed?: string;
  out?: string;
  maxTests?: string;
  indexLimit?: string;
  shard?: string;
  jobs: string;
  resume?: boolean;
  known?: string;
  reduceMs: string;
  reduceSteps: string;
  reduceShare: string;
  oracle: string;
}

/** The flags a --jobs worker gets again (everything but --jobs, --shard, --out, --resume, --known). */
function workerArguments(opts: FuzzFlags, seed: string, jobs: number): string[] {
  const args = ['--seed', seed, '--time', opts.time, '--backends', opts.backends, '--timeout', opts.timeout, '--memory-limit', opts.memoryLimit];
  args.push('--max-nodes', opts.maxNodes, '--dtypes', opts.dtypes, '--max-elements', opts.maxElements, '--method', opts.method, '--opset', opts.opset, '--pattern-share', opts.patternShare);
  if (!opts.guidance) args.push('--no-guidance');
  args.push('--search-ms', opts.searchMs, '--reduce-ms', opts.reduceMs, '--reduce-steps', opts.reduceSteps, '--reduce-share', opts.reduceShare, '--oracle', opts.oracle);
  if (!opts.inputSearch) args.push('--no-input-search');
  if (opts.searchSteps) args.push('--search-steps', opts.searchSteps);
  if (!opts.isolation) args.push('--no-isolation');
  if (opts.ops) args.push('--ops', opts.ops);
  if (opts.excludeOps) args.push('--exclude-ops', opts.excludeOps);
  if (opts.cacheDir) args.push('--cache-dir', opts.cacheDir);
  if (opts.indexLimit) args.push('--index-limit', opts.indexLimit);
  // --max-tests is a total: the workers share it.
  if (opts.maxTests) args.push('--max-tests', String(Math.ceil(parsePositiveInt('--max-tests', opts.maxTests) / jobs)));
  for (const m of opts.backendModule) args.push('--backend-module', resolve(m));
  if (opts.chromium !== undefined) args.push('--chromium', resolve(opts.chromium));
  return args;
}

function parseOracle(value: string): OracleKind {
  const kind = ORACLE_KINDS.find((k) => k === value);
  if (!kind) throw new UserError(`--oracle must be ${ORACLE_KINDS.join(' or ')}, got '${value}'`);
  return kind;
}

/** The line a bug gets when it is listed: class, SUT, ops, case folder and the command that replays it. */
function bugLine(outDir: string, bug: BugEntry, backendModules: readonly string[]): string {
  const dir = join(outDir, bug.dir);
  const size = bug.reduced ? `${bug.reduced.nodes} node${bug.reduced.nodes === 1 ? '' : 's'}` : 'not reduced';
  return `${bug.status} bug: ${bugKind(bug)} on ${bug.backend} (${size}): ${dir}; replay: ${replayCommand(dir, backendModules)}\n`;
}

export function fuzzCommand(program: Command, io: CliIo, setExit: (code: number) => void, now: () => Date): void {
  inputSearchOptions(
    generatorOptions(
      backendOptions(
        program
          .command('fuzz')
          .description('run a fuzz campaign; writes a case folder per bug, summary.json and the signature database to --out')
          .option('--time <duration>', 'wall-clock budget: seconds, or with a unit (30s, 5m, 1h)', '60')
          .option('--seed <seed>', 'campaign seed (default: from the clock, printed)')
          .option('--out <dir>', 'campaign folder (default: reports/<date>-<seed>)')
          .option('--max-tests <n>', 'stop after this many judged tests')
          .option('--index-limit <n>', 'run only test indices below n (a fixed range of tests)')
          .option('--shard <i/N>', 'run only the test indices congruent to i modulo N (CI matrix jobs; merge them with tensorsmith merge)')
          .option('--jobs <n>', 'parallel worker processes', '1')
          .option('--resume', 'continue the campaign in --out where it stopped')
          .option('--no-guidance', 'do not favour the patterns and ops whose rewrites the SUTs have performed least (coverage guidance)')
          .option('--known <file>', 'signature database of bugs seen before (default: <out>/signatures.json)')
          .option('--reduce-steps <n>', 'candidates each reduction may judge on the SUT (0: no reduction)', String(DEFAULT_REDUCTION_BUDGET.checks))
          .option('--reduce-ms <ms>', 'wall-clock cap of each reduction in milliseconds (0: no reduction)', String(DEFAULT_REDUCTION_BUDGET.ms))
          .option('--reduce-share <percent>', "largest share of the campaign's time reduction may take; the rest waits for the end or for tensorsmith reduce", '25')
          .option('--oracle <kind>', 'how float outputs are judged: bounds (per-element error bounds from the reference run) or fixed (rtol 1e-3 and atol 1e-4 times the largest magnitude, for float32)', 'bounds'),
        DEFAULT_FUZZ_BACKENDS,
      ),
    ),
  ).action(async (given: FuzzFlags, command: Command) => {
    if (given.resume && !given.out) throw new UserError('--resume needs --out: the campaign folder to continue');
    if (given.resume) restoreCampaignFlags(command, given.out!);
    const opts = given.resume ? command.opts<FuzzFlags>() : given;
    const timeSec = parseDurationSec('--time', opts.time);
    const generator = generatorConfig(opts);
    const inputs = inputChoice(opts);
    const maxTests = opts.maxTests === undefined ? undefined : parsePositiveInt('--max-tests', opts.maxTests);
    const indexLimit = opts.indexLimit === undefined ? undefined : parsePositiveInt('--index-limit', opts.indexLimit);
    const shard = opts.shard !== undefined ? parseShard(opts.shard) : WHOLE;
    const listedBackends = parseNonEmptyList('--backends', opts.backends, 'SUT (see tensorsmith backends)');
    // Set names (local, browser, all) become the SUTs of the set that run here; the campaign
    // records that list, so a resume or a parallel job runs the same SUTs.
    const sutRegistry = await backendsWithModules(opts.backendModule, chromiumOption(opts));
    const backendNames = await expandBackendSets(listedBackends, sutRegistry, (name, why) => io.err(`skipping ${name}, which does not run here: ${why}\n`));
    if (backendNames.length === 0) throw new UserError(`no SUT of --backends ${opts.backends} runs here: 'tensorsmith backends' says why`);
    opts.backends = backendNames.join(',');
    if (opts.out !== undefined) checkFolderFlag('--out', opts.out);
    if (opts.cacheDir !== undefined) checkFolderFlag('--cache-dir', opts.cacheDir);
    if (opts.known !== undefined) checkFileFlag('--known', opts.known);
    const jobs = parsePositiveInt('--jobs', opts.jobs, { max: 256, why: 'each job is a process with its SUT workers' });
    const reduceMs = parseNonNegativeInt('--reduce-ms', opts.reduceMs);
    const reduceSteps = parseNonNegativeInt('--reduce-steps', opts.reduceSteps);
    const share = parsePercent('--reduce-share', opts.reduceShare);
    const reduction = reduceMs > 0 && reduceSteps > 0 && share > 0 ? { budget: { checks: reduceSteps, ms: reduceMs }, share } : undefined;
    const timeoutMs = parseTimeoutMs(opts.timeout);
    // A campaign folder of a tensorsmith before the oracle flag was judged by fixed tolerances: resumed so.
    const oracle = opts.oracle === undefined ? 'fixed' : parseOracle(opts.oracle);
    const seed = opts.seed ?? String(now().getTime());
    const outDir = opts.out ?? join('reports', `${now().toISOString().slice(0, 10)}-${seed}`);
    // Written once the flags and SUTs are known to be good: a refused command leaves no folder.
    const record = () => {
      if (opts.resume) return;
      mkdirSync(outDir, { recursive: true });
      recordCampaignFlags(outDir, opts, seed);
    };
    if (opts.resume) {
      const folders = jobs > 1 ? Array.from({ length: jobs }, (_, i) => join(outDir, 'jobs', String(i))) : [outDir];
      for (const dir of folders) checkResumable(dir, jobs === 1 && opts.known ? opts.known : join(dir, 'signatures.json'));
    }
    const registry = builtinRegistry();
    const status = statusLine(io, timeSec);
    let summary: CampaignSummary;
    if (jobs > 1) {
      if (!io.self) throw new UserError('--jobs is not available here: the command cannot start copies of itself');
      // Bad SUT names and adapter modules are usage errors here, not failures of every worker.
      sutRegistry.checkNames(backendNames);
      record();
      io.err(`tensorsmith ${TOOL_VERSION}: fuzzing ${opts.backends} with ${jobs} workers for ${timeSec}s, seed ${seed}, into ${outDir}\n`);
      summary = await runParallelCampaign({
        jobs,
        shard,
        outDir,
        fuzzArgs: workerArguments(opts, seed, jobs),
        resume: opts.resume === true,
        ...(opts.known ? { knownPath: opts.known } : {}),
        self: io.self,
        onProgress: status.update,
        shouldStop: io.interrupted,
      });
    } else {
      const warmup = { model: SMOKE_MODEL, onnx: modelToOnnx(SMOKE_MODEL, registry), inputs: SMOKE_INPUTS };
      const { adapters, close } = await createAdapters(opts, io.cacheDir, { spares: spareWorkers(backendNames.length), warmup });
      record();
      io.err(`tensorsmith ${TOOL_VERSION}: fuzzing ${adapters.map((a) => a.name).join(', ')} for ${timeSec}s, seed ${seed}, into ${outDir}\n`);
      summary = await runFuzzCampaign({
        seed,
        timeSec,
        ...(maxTests !== undefined ? { maxTests } : {}),
        ...(indexLimit !== undefined ? { indexLimit } : {}),
        outDir,
        generator,
        guidance: opts.guidance,
        inputs,
        adapters,
        backendModules: opts.backendModule.map((m) => resolve(m)),
        registry,
        toolVersion: TOOL_VERSION,
        shard,
        resume: opts.resume === true,
        ...(opts.known ? { knownPath: opts.known } : {}),
        ...(reduction ? { reduction } : {}),
        timeoutMs,
        oracle,
        ...(io.cacheDir || opts.cacheDir ? { cacheDir: opts.cacheDir ?? io.cacheDir! } : {}),
        onBug: (bug: BugEntry) => status.above(bugLine(outDir, bug, opts.backendModule.map((m) => resolve(m)))),
        onProgress: status.update,
        shouldStop: io.interrupted,
      }).finally(close);
    }
    status.done();
    io.out(formatCampaignEnd(summary, outDir));
    setExit(summary.newBugs + summary.regressions > 0 ? EXIT_BUGS : EXIT_OK);
  });
}
