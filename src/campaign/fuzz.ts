import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendAdapter } from '../backends/adapter.js';
import type { GeneratorConfig, GeneratorMethod } from '../generator/generate.js';
import { UserError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import { bugSignature, type BugSignature } from '../oracles/signature.js';
import type { ReducedTest } from '../reduce/reduce-bug.js';
import { isBug, type Verdict, type VerdictKind } from '../oracles/verdict.js';
import { writeCaseFolder, writeTestFiles, type BugCase, type CaseMeta } from './case-folder.js';
import { evaluateOnBackend } from './evaluate.js';
import { testIndexAt, WHOLE, type Shard } from './shard.js';
import { SignatureDb } from './signature-db.js';
import { emptyVerdicts, readBugFolders, writeJsonAtomic, type BugEntry, type CampaignSummary } from './summary.js';
import { DEFAULT_INPUT_CHOICE, makeTestCase, type InputChoice } from './test-case.js';

export type { BugEntry, CampaignSummary } from './summary.js';

/** Shrinks a failing test while the SUT keeps failing the same way (src/reduce); undefined when it could not. */
export type BugReducer = (args: {
  adapter: BackendAdapter;
  test: { model: Model; inputs: ReadonlyMap<string, Tensor> };
  verdict: Verdict;
  budgetMs: number;
}) => Promise<ReducedTest | undefined>;

export interface FuzzOptions {
  readonly seed: string;
  /** Wall-clock budget; no new test starts after it. */
  readonly timeSec: number;
  /** Stop after this many judged tests. */
  readonly maxTests?: number;
  /** Run only test indices below this (a fixed range of tests, whatever is discarded). */
  readonly indexLimit?: number;
  readonly outDir: string;
  readonly generator: GeneratorConfig & { method?: GeneratorMethod };
  /** How inputs and weights are chosen (default: gradient search, 50 ms per test). */
  readonly inputs?: InputChoice;
  readonly adapters: readonly BackendAdapter[];
  /** Module paths the adapters came from (recorded so that `repro` can load them again). */
  readonly backendModules?: readonly string[];
  readonly registry: OpRegistry;
  readonly toolVersion: string;
  /** Which test indices to run (default: all). */
  readonly shard?: Shard;
  /** Continue the campaign in outDir where it stopped. */
  readonly resume?: boolean;
  /** The signature database (default: outDir/signatures.json). */
  readonly knownPath?: string;
  /** Reduction of each new bug, and its budget; no reduction without both. */
  readonly reducer?: BugReducer;
  readonly reduceMs?: number;
  /** Called after every test with the running totals. */
  readonly onProgress?: (status: FuzzStatus) => void;
  /** Checked between tests; true ends the campaign early (Ctrl-C). */
  readonly shouldStop?: () => boolean;
}

export interface FuzzStatus {
  readonly tests: number;
  readonly discarded: number;
  readonly elapsedSec: number;
  readonly bugs: number;
  readonly findings: number;
}

/** What survives a crash besides the case folders: the next step and the counters. */
interface Progress {
  readonly format: 'tensorsmith.progress/1';
  readonly seed: string;
  readonly shard: Shard;
  nextStep: number;
  tests: number;
  discarded: number;
  findings: number;
  elapsedSec: number;
  verdicts: Record<VerdictKind, number>;
  occurrences: Record<string, number>;
  /** Signature of a finding's whole model -> signature after reduction, so a repeat is not reduced again. */
  reducedSignatures: Record<string, string>;
}

function readProgress(outDir: string, seed: string, shard: Shard): Progress {
  const path = join(outDir, 'progress.json');
  if (!existsSync(path)) throw new UserError(`'${outDir}' has no progress.json: there is no campaign to resume there`);
  let progress: Progress;
  try {
    progress = JSON.parse(readFileSync(path, 'utf8')) as Progress;
  } catch (e) {
    throw new UserError(`${path} is corrupt (${(e as Error).message}); the case folders are intact, start a new campaign folder`);
  }
  if (progress.seed !== seed) throw new UserError(`the campaign in '${outDir}' has seed '${progress.seed}', not '${seed}' (drop --seed to resume it)`);
  if (progress.shard.index !== shard.index || progress.shard.count !== shard.count) {
    throw new UserError(`the campaign in '${outDir}' is shard ${progress.shard.index}/${progress.shard.count}; resume it with that --shard`);
  }
  return progress;
}

/** The seed of the campaign in a folder, for `--resume` without `--seed`. */
export function campaignSeed(outDir: string): string | undefined {
  const path = join(outDir, 'progress.json');
  if (!existsSync(path)) return undefined;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as Progress).seed;
  } catch {
    return undefined;
  }
}

/**
 * The fuzz loop: test i of the shard is generated from (seed, i), run on every SUT and judged
 * against the reference. Each finding with a new signature is written as a case folder, then reduced
 * (within reduceMs) and identified by the signature of the reduced test, so that one bug seen in many
 * models is reported once. Bugs are checked against the signature database: new, known, or a
 * regression of one marked fixed. progress.json (after every test) and summary.json (after every new
 * bug and at the end) are written atomically; with `resume` the loop continues from progress.json and
 * rebuilds its bug list from the case folders, so a killed campaign loses no case.
 */
export async function runFuzzCampaign(options: FuzzOptions): Promise<CampaignSummary> {
  const { outDir, adapters } = options;
  const shard = options.shard ?? WHOLE;
  mkdirSync(join(outDir, 'bugs'), { recursive: true });
  const descriptions = await Promise.all(adapters.map((a) => a.describe()));
  const db = SignatureDb.open(options.knownPath ?? join(outDir, 'signatures.json'));
  const inputChoice = options.inputs ?? DEFAULT_INPUT_CHOICE;
  const config = {
    generator: options.generator,
    inputs: inputChoice,
    backends: adapters.map((a) => a.name),
    seed: options.seed,
    shard,
    ...(options.backendModules?.length ? { backendModules: options.backendModules } : {}),
    ...(options.reduceMs !== undefined ? { reduceMs: options.reduceMs } : {}),
  };
  const progress: Progress = options.resume
    ? readProgress(outDir, options.seed, shard)
    : {
        format: 'tensorsmith.progress/1',
        seed: options.seed,
        shard,
        nextStep: 0,
        tests: 0,
        discarded: 0,
        findings: 0,
        elapsedSec: 0,
        verdicts: emptyVerdicts(),
        occurrences: {},
        reducedSignatures: {},
      };
  const bugs = new Map<string, BugEntry>();
  for (const found of options.resume ? readBugFolders(outDir) : []) bugs.set(found.meta.signature.hash, entryFromMeta(found.meta, found.dir, found.reducedNodes, progress));
  const start = performance.now();
  const earlierSec = progress.elapsedSec;
  const elapsed = () => earlierSec + (performance.now() - start) / 1000;
  const sessionElapsed = () => (performance.now() - start) / 1000;
  const summary = (): CampaignSummary => {
    const entries = [...bugs.values()];
    return {
      format: 'tensorsmith.summary/1',
      seed: options.seed,
      tests: progress.tests,
      discarded: progress.discarded,
      testsPerSec: progress.tests / Math.max(elapsed(), 1e-9),
      elapsedSec: elapsed(),
      backends: descriptions,
      verdicts: progress.verdicts,
      bugs: entries,
      newBugs: entries.filter((b) => b.status === 'new').length,
      regressions: entries.filter((b) => b.status === 'regression').length,
      config,
    };
  };
  const writeSummary = () => writeJsonAtomic(join(outDir, 'summary.json'), summary());
  const saveProgress = () => {
    progress.elapsedSec = elapsed();
    writeJsonAtomic(join(outDir, 'progress.json'), progress);
  };
  if (!options.resume) saveProgress();

  for (; ; progress.nextStep++) {
    const index = testIndexAt(shard, progress.nextStep);
    if (options.indexLimit !== undefined && index >= options.indexLimit) break;
    if (sessionElapsed() >= options.timeSec) break;
    if (options.maxTests !== undefined && progress.tests >= options.maxTests) break;
    if (options.shouldStop?.()) break;
    const test = await makeTestCase({ seed: options.seed, index, config: options.generator, registry: options.registry, inputs: inputChoice });
    if (test.untrusted) {
      progress.discarded++;
      saveProgress();
      continue;
    }
    progress.tests++;
    // On disk before any SUT sees it: if a SUT takes the process down, the test is not lost.
    writeTestFiles(join(outDir, 'current'), test);
    for (const adapter of adapters) {
      const outcome = await evaluateOnBackend(adapter, test, test.inputs, test.expected);
      const verdict = outcome.verdict;
      progress.verdicts[verdict.kind]++;
      if (!isBug(verdict.kind)) continue;
      progress.findings++;
      const whole = bugSignature(verdict, test.model);
      const alreadyReduced = progress.reducedSignatures[whole.hash] ?? containingReducedBug(bugs.values(), whole);
      const seen = bugs.get(alreadyReduced ?? whole.hash);
      if (seen) {
        seen.occurrences++;
        progress.occurrences[seen.signature] = seen.occurrences;
        progress.reducedSignatures[whole.hash] = seen.signature;
        continue;
      }
      const meta = (signature: BugSignature, v: Verdict, extra: Partial<CaseMeta> = {}): CaseMeta => ({
        format: 'tensorsmith.case/1',
        seed: options.seed,
        testIndex: index,
        toolVersion: options.toolVersion,
        backends: descriptions.filter((d) => d.name === adapter.name),
        config,
        verdict: v,
        signature,
        timings: { generateMs: test.generateMs, inputMs: test.inputMs, prepareMs: outcome.prepareMs, runMs: outcome.runMs },
        createdAt: new Date().toISOString(),
        ...extra,
      });
      const found: BugCase = {
        model: test.model,
        onnx: test.onnx,
        inputs: test.inputs,
        expected: test.expected,
        actual: outcome.actual ?? { error: verdict.message ?? verdict.kind },
        meta: meta(whole, verdict, { status: db.statusOf(whole.hash) }),
      };
      // The whole test is on disk before reduction starts: a crash during it loses nothing.
      writeCaseFolder(join(outDir, 'bugs', whole.hash), found);
      const reduced =
        options.reducer && options.reduceMs && options.reduceMs > 0
          ? await options.reducer({ adapter, test, verdict, budgetMs: options.reduceMs })
          : undefined;
      const signature = reduced ? bugSignature(reduced.verdict, reduced.model) : whole;
      progress.reducedSignatures[whole.hash] = signature.hash;
      const duplicate = bugs.get(signature.hash);
      if (duplicate) {
        // Another model reduced to the same bug: one case per signature.
        rmSync(join(outDir, 'bugs', whole.hash), { recursive: true, force: true });
        duplicate.occurrences++;
        progress.occurrences[duplicate.signature] = duplicate.occurrences;
        saveProgress();
        continue;
      }
      const status = db.statusOf(signature.hash);
      const dir = join('bugs', signature.hash);
      if (reduced) {
        writeCaseFolder(join(outDir, dir), {
          ...found,
          meta: meta(signature, verdict, { status }),
          reduced: {
            model: reduced.model,
            onnx: reduced.onnx,
            inputs: reduced.inputs,
            expected: reduced.expected,
            actual: reduced.actual,
            meta: meta(signature, reduced.verdict, { status, reduction: reduced.stats }),
          },
        });
        if (signature.hash !== whole.hash) rmSync(join(outDir, 'bugs', whole.hash), { recursive: true, force: true });
      }
      db.record(signature, new Date().toISOString(), join(outDir, dir));
      db.save();
      const entry = entryFromMeta(meta(signature, verdict, { status }), dir, reduced?.model.nodes.length, progress);
      bugs.set(signature.hash, entry);
      progress.occurrences[signature.hash] = 1;
      saveProgress();
      writeSummary();
    }
    saveProgress();
    options.onProgress?.({ tests: progress.tests, discarded: progress.discarded, elapsedSec: elapsed(), bugs: bugs.size, findings: progress.findings });
  }
  saveProgress();
  writeSummary();
  // The campaign folder keeps the database it ended with even when --known named another file: merge unites these.
  const local = join(outDir, 'signatures.json');
  if (db.path !== local) db.save(local);
  return summary();
}

/**
 * A reduced bug this finding is taken for without reducing it again: same verdict, SUT and message
 * pattern, in a model that holds every op of that bug's reduced test. Reduction takes seconds, and
 * most findings of a campaign are repeats of a few bugs.
 */
function containingReducedBug(bugs: Iterable<BugEntry>, whole: BugSignature): string | undefined {
  const ops = new Set(whole.ops);
  for (const b of bugs) {
    if (!b.reduced || b.verdict !== whole.verdict || b.backend !== whole.backend || b.pattern !== whole.pattern) continue;
    if (b.ops.every((op) => ops.has(op))) return b.signature;
  }
  return undefined;
}

function entryFromMeta(meta: CaseMeta, dir: string, reducedNodes: number | undefined, progress: Progress): BugEntry {
  const hash = meta.signature.hash;
  return {
    signature: hash,
    verdict: meta.verdict.kind,
    backend: meta.verdict.backend,
    dir,
    ops: meta.signature.ops,
    pattern: meta.signature.pattern,
    firstSeen: { seed: meta.seed, testIndex: meta.testIndex },
    occurrences: progress.occurrences[hash] ?? 1,
    status: meta.status ?? 'new',
    ...(meta.verdict.message ? { message: meta.verdict.message } : {}),
    ...(reducedNodes !== undefined ? { reduced: { nodes: reducedNodes, dir: join(dir, 'reduced') } } : {}),
  };
}
