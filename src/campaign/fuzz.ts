import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendAdapter, BackendDescription } from '../backends/adapter.js';
import { SMOKE_EXPECTED, SMOKE_INPUTS, SMOKE_MODEL } from '../backends/availability.js';
import { modelToOnnx } from '../export/to-onnx.js';
import type { GeneratorConfig, GeneratorMethod } from '../generator/generate.js';
import { CampaignGuidance } from './guidance.js';
import { UserError } from '../ir/errors.js';
import type { OpRegistry } from '../opspec/registry.js';
import { triggerOf, type BugSignature } from '../oracles/signature.js';
import { isBug, isNumeric, type Verdict } from '../oracles/verdict.js';
import { BugBook } from './bug-book.js';
import { reasonKey, type BackendOutcome } from '../oracles/evaluate.js';
import { CapabilityGaps } from './capability-gaps.js';
import { writeTestFiles, type CaseMeta } from '../store/case-folder.js';
import { nextReduction } from './reduction-order.js';
import { BUNDLED_CORPUS, readCorpusBugs } from './corpus-bugs.js';
import { sharedCodeFailure, type TestFailure } from './shared-code.js';
import { FindingHandler, type FindingContext, type PendingReduction, type PendingTrace, type ReductionPolicy } from './findings.js';
import { dropUncommittedCases, loadPendingReductions } from './resume.js';
import { testIndexAt, WHOLE, type Shard } from './shard.js';
import { SignatureDb } from '../store/signatures.js';
import { countRewrites, emptyBackendStats, emptyVerdicts, tally, writeSummary, type BugEntry, type CampaignSummary, UNCONFIRMED_KEPT } from '../store/summary.js';
import { SutSession, type JudgedTest } from '../oracles/sut-session.js';
import { readProgress, writeProgress, type Progress } from '../store/progress.js';
import { DEFAULT_INPUT_CHOICE, makeTestCase, type InputChoice } from './test-case.js';
import type { OracleKind } from '../oracles/test-bounds.js';
import { OutOfTime } from '../oracles/out-of-time.js';

export type { BugEntry, CampaignSummary } from '../store/summary.js';
export type { ReductionPolicy } from './findings.js';

/** The default full timeout of a SUT request (--timeout). */
export const DEFAULT_TIMEOUT_MS = 30_000;

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
  /** Favour patterns and ops whose rewrites have fired least (default: yes); see CampaignGuidance. */
  readonly guidance?: boolean;
  /** How inputs and weights are chosen (default: gradient search, 50 ms per test). */
  readonly inputs?: InputChoice;
  readonly adapters: readonly BackendAdapter[];
  /** Module paths the adapters came from (recorded so that `repro` can name them). */
  readonly backendModules?: readonly string[];
  readonly registry: OpRegistry;
  readonly toolVersion: string;
  /** Which test indices to run (default: all). */
  readonly shard?: Shard;
  /** Continue the campaign in outDir where it stopped. */
  readonly resume?: boolean;
  /** The signature database (default: outDir/signatures.json). */
  readonly knownPath?: string;
  /** The corpus of real bugs whose signatures are known by name (default: tensorsmith's own, corpus/). */
  readonly corpusDir?: string;
  /** Reduction of each new bug: its budget and the share of the campaign's time it may take; none: no reduction. */
  readonly reduction?: ReductionPolicy;
  /** The full timeout of a SUT request; adaptive timeouts stay below it (default 30 s). */
  readonly timeoutMs?: number;
  /** How float outputs are judged (default: per-element error bounds). */
  readonly oracle?: OracleKind;
  /** Where capability probes are cached; what the campaign probes is added there. */
  readonly cacheDir?: string;
  /** Refuse SUTs that do not work here before the campaign starts (default: yes). */
  readonly checkAvailability?: boolean;
  /** Called after every test with the running totals. */
  readonly onProgress?: (status: FuzzStatus) => void;
  /** Called when a bug is listed for good (reduced, or left unreduced), once per bug. */
  readonly onBug?: (bug: BugEntry) => void;
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

/**
 * Refuses SUTs that cannot run here (a package that is not installed, no device) before any test,
 * and calibrates the others' timeouts on a known-good model. With `check` off, a SUT that fails
 * the calibration is still fuzzed.
 */
async function prepareSessions(sessions: readonly SutSession[], registry: OpRegistry, check: boolean): Promise<void> {
  const smoke: JudgedTest = { model: SMOKE_MODEL, onnx: modelToOnnx(SMOKE_MODEL, registry), inputs: SMOKE_INPUTS, expected: SMOKE_EXPECTED };
  const missing: string[] = [];
  for (const session of sessions) {
    let reason: string | undefined;
    try {
      await session.adapter.describe();
      reason = await session.calibrate(smoke);
    } catch (e) {
      reason = (e as Error).message.split('\n')[0];
    }
    if (reason !== undefined) missing.push(`${session.name} (${reason})`);
  }
  if (check && missing.length > 0) {
    throw new UserError(`not available here: ${missing.join('; ')}. Drop ${missing.length === 1 ? 'it' : 'them'} from --backends ('tensorsmith backends' lists what works here)`);
  }
}

/**
 * The fuzz loop: test i of the shard is generated from (seed, i), run on every SUT and judged
 * against the reference. Findings go through the FindingHandler (known sightings, confirmation in a
 * fresh worker, state bugs, reduction within its share of the time, one listing per signature).
 * Capability gaps are probed and counted as unsupported, never listed. progress.json (after every
 * test) and summary.json (after every listing and at the end) are written atomically; with `resume`
 * the loop continues from progress.json and rebuilds its bug list from the case folders, so a killed
 * campaign loses no case.
 */
export async function runFuzzCampaign(options: FuzzOptions): Promise<CampaignSummary> {
  const { outDir, adapters, registry } = options;
  const shard = options.shard ?? WHOLE;
  mkdirSync(join(outDir, 'bugs'), { recursive: true });
  const fullMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const oracle = options.oracle ?? 'bounds';
  const sessions = adapters.map((a) => new SutSession(a, { fullMs }, { oracle }));
  await prepareSessions(sessions, registry, options.checkAvailability !== false);
  const descriptions = await Promise.all(adapters.map((a) => a.describe()));
  const corpus = readCorpusBugs(options.corpusDir ?? BUNDLED_CORPUS);
  const db = SignatureDb.open(options.knownPath ?? join(outDir, 'signatures.json')).withCorpus(new Map(corpus.map((b) => [b.signature.hash, b.name])));
  const inputChoice = options.inputs ?? DEFAULT_INPUT_CHOICE;
  const guided = options.guidance !== false;
  const config = {
    generator: options.generator,
    guidance: guided,
    inputs: inputChoice,
    backends: adapters.map((a) => a.name),
    seed: options.seed,
    shard,
    timeoutMs: fullMs,
    oracle,
    ...(options.backendModules?.length ? { backendModules: options.backendModules } : {}),
    ...(options.reduction ? { reduction: options.reduction } : {}),
  };
  // A campaign killed before it committed anything (its workers starting) resumes from the start.
  const resuming = options.resume === true && existsSync(join(outDir, 'progress.json'));
  const progress: Progress = resuming
    ? readProgress(outDir, options.seed, shard)
    : {
        format: 'tensorsmith.progress/3',
        seed: options.seed,
        shard,
        nextStep: 0,
        tests: 0,
        discarded: 0,
        findings: 0,
        elapsedSec: 0,
        verdicts: emptyVerdicts(),
        perBackend: {},
        discardReasons: {},
        bugs: [],
        pending: [],
        reduceMs: 0,
        unconfirmed: 0,
        unconfirmedFindings: [],
        internalErrors: [],
        coverage: {},
      };
  for (const s of sessions) progress.perBackend[s.name] ??= emptyBackendStats();
  const restartsBefore = new Map(sessions.map((s) => [s.name, progress.perBackend[s.name]!.restarts]));
  const book = new BugBook(corpus);
  if (resuming) {
    dropUncommittedCases(outDir, progress.bugs);
    for (const entry of progress.bugs) {
      book.set(entry);
      // A kill between a listing and its record leaves the database without it.
      const awaitsReduction = progress.pending.includes(entry.signature) && !entry.reduced;
      if (!awaitsReduction && entry.status === 'new' && db.statusOf(entry.signature) === 'new') db.record({ ...entry, hash: entry.signature }, new Date().toISOString(), join(outDir, entry.dir));
    }
    db.saveChanges();
  }
  const pending: PendingReduction[] = resuming ? loadPendingReductions(outDir, progress.pending, book, registry) : [];
  // Findings waiting to be traced keep their worker's history in memory only: a resumed campaign drops them.
  const traces: PendingTrace[] = [];
  const gaps = new CapabilityGaps(registry, options.cacheDir);

  const start = performance.now();
  // --time bounds the test in flight too: SUT requests are cut at the deadline (see OutOfTime).
  const deadline = start + options.timeSec * 1000;
  for (const s of sessions) s.deadline = deadline;
  const earlierSec = progress.elapsedSec;
  const elapsed = () => earlierSec + (performance.now() - start) / 1000;
  const sessionElapsed = () => (performance.now() - start) / 1000;
  const summary = (): CampaignSummary => {
    const entries = book.values();
    return {
      format: 'tensorsmith.summary/1',
      seed: options.seed,
      tests: progress.tests,
      discarded: progress.discarded,
      discardReasons: progress.discardReasons,
      testsPerSec: progress.tests / Math.max(elapsed(), 1e-9),
      elapsedSec: elapsed(),
      backends: descriptions,
      verdicts: progress.verdicts,
      perBackend: progress.perBackend,
      bugs: entries,
      newBugs: entries.filter((b) => b.status === 'new').length,
      regressions: entries.filter((b) => b.status === 'regression').length,
      unconfirmed: progress.unconfirmed,
      unconfirmedFindings: progress.unconfirmedFindings,
      reduction: { ms: Math.round(progress.reduceMs), share: options.reduction?.share ?? 0, unreduced: pending.length },
      internalErrors: progress.internalErrors,
      coverage: progress.coverage,
      config,
    };
  };
  /** Case folders a step replaced or merged away: removed once the step is committed (a kill before keeps them for the redo). */
  const removals = new Set<string>();
  /**
   * Ends a step: progress.json first (the commit), then the signature database (a kill between the
   * two is repaired on resume, see below), then the folders the step made obsolete.
   */
  const commit = () => {
    progress.elapsedSec = elapsed();
    progress.pending = pending.map((p) => p.signature);
    progress.bugs = book.values();
    for (const s of sessions) progress.perBackend[s.name]!.restarts = restartsBefore.get(s.name)! + s.restarts;
    writeProgress(outDir, progress);
    db.saveChanges();
    const listed = new Set(progress.bugs.map((b) => b.dir));
    for (const dir of removals) if (!listed.has(dir)) rmSync(join(outDir, dir), { recursive: true, force: true });
    removals.clear();
  };
  /** summary.json: for people and reports, any time; resume reads progress.json only. */
  const save = () => writeSummary(outDir, summary());

  const context: FindingContext = {
    seed: options.seed,
    registry,
    book,
    db,
    outDir,
    sessions,
    reduction: options.reduction,
    pending,
    traces,
    meta: ({ session, testIndex, signature, verdict, extra }) => caseMeta({ options, config, descriptions, session, testIndex, signature, verdict, extra }),
    // Reduction may start while it has taken no more than its share of the campaign's time: of the
    // time budget, or of the time so far when the campaign runs past it (a fixed range of tests).
    mayReduce: () => context.reductionAllowanceMs() >= 0,
    reductionAllowanceMs: () => (options.reduction ? options.reduction.share * Math.max(elapsed(), options.timeSec) * 1000 - progress.reduceMs : -1),
    spentReducing: (ms) => {
      progress.reduceMs += ms;
    },
    internalError: (e) => {
      progress.internalErrors.push(e);
    },
    unconfirmed: (finding) => {
      progress.unconfirmed++;
      if (progress.unconfirmedFindings.length < UNCONFIRMED_KEPT) progress.unconfirmedFindings.push(finding);
    },
    listed: (entry) => options.onBug?.(entry),
    remove: (dir) => removals.add(dir),
    save,
  };
  const findings = new FindingHandler(context);
  // Bugs waiting for reduction: first merged into a bug reduced since that explains them, then
  // reduced while reduction is within its share of the time. What is left at the end is listed
  // unreduced (tensorsmith reduce does it).
  const absorbPending = () => {
    for (let i = 0; i < pending.length; ) {
      if (findings.absorb(pending[i]!)) pending.splice(i, 1);
      else i++;
    }
  };
  const reducePending = async () => {
    absorbPending();
    while ((pending.length > 0 || traces.length > 0) && !options.shouldStop?.() && context.mayReduce() && performance.now() < deadline) {
      // Errors first (see nextReduction), then traces, then the rest.
      const next = nextReduction(pending, book);
      const errorNext = next >= 0 && !isNumeric(pending[next]!.outcome.verdict.kind);
      const trace = !errorNext && traces.length > 0 ? traces.shift()! : undefined;
      const reduction = trace ? undefined : pending.splice(next, 1)[0]!;
      try {
        if (trace) await findings.trace(trace);
        else await findings.reduce(reduction!);
      } catch (e) {
        if (!(e instanceof OutOfTime)) throw e;
        // Cut at the deadline: it waits, listed as found, for tensorsmith reduce.
        if (trace) traces.unshift(trace);
        else pending.unshift(reduction!);
        return;
      }
      absorbPending();
      // Each reduction is a step of its own.
      commit();
      save();
    }
  };
  // summary.json exists from the start, so a campaign killed before its first bug can be reported.
  if (!resuming) {
    commit();
    save();
  } else {
    // A kill during a reduction step left it pending: it runs first, as it did before the next test.
    await reducePending();
  }
  const guidance = guided ? new CampaignGuidance(outDir) : undefined;
  let summarySavedAt = performance.now();
  /** The test is done: the next one is where a resume starts, and the summary stays current (once a second at most). */
  const finishStep = () => {
    progress.nextStep++;
    commit();
    if (performance.now() - summarySavedAt < 1000) return;
    summarySavedAt = performance.now();
    save();
  };

  for (;;) {
    const index = testIndexAt(shard, progress.nextStep);
    if (options.indexLimit !== undefined && index >= options.indexLimit) break;
    if (sessionElapsed() >= options.timeSec) break;
    if (options.maxTests !== undefined && progress.tests >= options.maxTests) break;
    if (options.shouldStop?.()) break;
    // A test cut at the deadline counts as run on the SUTs it reached; the others skip it.
    let cut = false;
    try {
      const generator = guidance ? { ...options.generator, guidance: guidance.stateFor(index, progress.coverage) } : options.generator;
      const test = await makeTestCase({ seed: options.seed, index, config: generator, registry, inputs: withinDeadline(inputChoice, deadline) });
      if (test.untrusted) {
        progress.discarded++;
        tally(progress.discardReasons, discardReason(test.untrusted));
        finishStep();
        continue;
      }
      progress.tests++;
      // On disk before any SUT sees it: if a SUT takes the process down, the test is not lost.
      writeTestFiles(join(outDir, 'current'), test);
      const judged: JudgedTest = { model: test.model, onnx: test.onnx, inputs: test.inputs, expected: test.expected, testIndex: index };
      const trigger = triggerOf(test.model);
      const found: { session: SutSession; outcome: BackendOutcome; alone: boolean }[] = [];
      for (const session of sessions) {
        const stats = progress.perBackend[session.name]!;
        const count = (verdict: Verdict) => {
          progress.verdicts[verdict.kind]++;
          stats.verdicts[verdict.kind]++;
          if (verdict.kind === 'unsupported') tally(stats.unsupported, verdict.reason ?? reasonKey(verdict.message ?? 'unsupported'));
        };
        const expensive = book.expensiveOn(session.name, trigger);
        if (expensive) {
          stats.skippedKnown++;
          book.seen(expensive, session.name);
          continue;
        }
        const gap = gaps.unsupportedIn(session.name, test.model);
        if (gap) {
          count({ kind: 'unsupported', backend: session.name, message: `${session.name} does not implement ${gap.pair}: ${gap.reason}`, reason: `does not implement ${gap.pair}` });
          continue;
        }
        let outcome = await session.evaluate(judged);
        if (outcome.rewrites) countRewrites(progress.coverage, session.name, outcome.rewrites, index);
        let alone = false;
        // A hang at an adaptive timeout counts only once it also hangs alone at the full one.
        if (outcome.verdict.kind === 'hang' && (outcome.hangTimeoutMs ?? fullMs) < fullMs) {
          outcome = await session.confirm(judged);
          alone = true;
        }
        if (outcome.capabilityGap) {
          const which = await gaps.explain(session.adapter, test.model);
          session.replaceWorker();
          count(
            which
              ? { kind: 'unsupported', backend: session.name, message: `${session.name} does not implement ${which.pair}: ${which.reason}`, reason: `does not implement ${which.pair}` }
              : outcome.verdict,
          );
          continue;
        }
        count(outcome.verdict);
        if (!isBug(outcome.verdict.kind)) {
          // A test that holds a known state bug's trigger leaves the worker broken: start afresh.
          if (book.corruptorOn(session.name, trigger)) session.replaceWorker();
          continue;
        }
        progress.findings++;
        found.push({ session, outcome, alone });
      }
      // Handled once every SUT ran the test, those that run another's code too (sharesCodeWith)
      // last: a failure of the shared code is then listed once, as that code's bug.
      const failures: TestFailure[] = [];
      const sharing = (f: (typeof found)[number]) => ((f.session.adapter.sharesCodeWith?.length ?? 0) > 0 ? 1 : 0);
      for (const f of [...found].sort((a, b) => sharing(a) - sharing(b))) {
        const shared = sharedCodeFailure(f.session, f.outcome, test.model, failures);
        if (shared) {
          book.seen(shared.entry, f.session.name);
          continue;
        }
        const entry = await findings.handle({ session: f.session, test: judged, outcome: f.outcome, aloneAlready: f.alone });
        if (entry) failures.push({ session: f.session, outcome: f.outcome, entry });
      }
    } catch (e) {
      if (!(e instanceof OutOfTime)) throw e;
      cut = true;
      // Not judged on every SUT: not a test of the count (the verdicts it got stay counted).
      progress.tests--;
    }
    finishStep();
    if (cut) break;
    await reducePending();
    options.onProgress?.({ tests: progress.tests, discarded: progress.discarded, elapsedSec: elapsed(), bugs: book.size, findings: progress.findings });
  }
  await reducePending();
  for (const left of traces) {
    const { kind, message } = left.verdict;
    context.unconfirmed({ backend: left.sessionName, testIndex: left.victim.testIndex ?? -1, verdict: kind, ...(message ? { message } : {}), untraced: true });
  }
  for (const left of pending) {
    const entry = book.get(left.signature);
    if (!entry) continue;
    findings.finish(entry);
    options.onBug?.(entry);
  }
  commit();
  save();
  // The campaign folder keeps the database it ended with even when --known named another file: merge unites these.
  const local = join(outDir, 'signatures.json');
  if (db.path !== local) db.save(local);
  return summary();
}

/** The case record of a finding. */
function caseMeta(args: {
  options: FuzzOptions;
  config: Readonly<Record<string, unknown>>;
  descriptions: readonly BackendDescription[];
  session: SutSession;
  testIndex: number;
  signature: BugSignature;
  verdict: Verdict;
  extra?: Partial<CaseMeta> | undefined;
}): CaseMeta {
  const { options, session } = args;
  return {
    format: 'tensorsmith.case/1',
    seed: options.seed,
    testIndex: args.testIndex,
    toolVersion: options.toolVersion,
    backends: args.descriptions.filter((d) => d.name === session.name),
    family: session.family,
    config: args.config,
    verdict: args.verdict,
    signature: args.signature,
    timings: {},
    createdAt: new Date().toISOString(),
    ...args.extra,
  };
}

/** The input search's budget, no longer than the time left before the deadline. */
function withinDeadline(choice: InputChoice, deadline: number): InputChoice {
  if (!choice.search) return choice;
  return { ...choice, budgetMs: Math.max(1, Math.min(choice.budgetMs, deadline - performance.now())) };
}

/** Why a test was discarded, as a key to count by: the reason and the op where the reference run stops being trustworthy. */
function discardReason(u: { reason: string; op: string }): string {
  return `${u.reason} at ${u.op}`;
}

