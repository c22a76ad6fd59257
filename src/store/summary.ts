import { join } from 'node:path';
import type { BackendDescription } from '../backends/adapter.js';
import { UserError } from '../ir/errors.js';
import { VERDICTS, type VerdictKind } from '../oracles/verdict.js';
import { writeJsonAtomic } from './atomic.js';
import { FieldReader, isRecord, present } from './fields.js';
import { readJsonFile } from './json-file.js';
import { existsSync } from 'node:fs';
import { BUG_STATUSES, type BugStatus } from './signatures.js';

export const SUMMARY_FORMAT = 'tensorsmith.summary/1';
export const SUMMARY_FILE = 'summary.json';

export interface BugEntry {
  readonly signature: string;
  /** The signature's class: numeric (wrong-result and nan-mismatch), crash, hang, compile-error, runtime-error or state. */
  readonly class: string;
  /** The SUT family: the bug is one root cause on every SUT of it that shows it (seenOn). */
  readonly family: string;
  /** The verdict and SUT it was first confirmed with. */
  readonly verdict: VerdictKind;
  readonly backend: string;
  /** Every SUT that showed it, in the order they did. */
  seenOn: string[];
  /** The case folder, relative to the campaign folder (bugs/<signature>). */
  readonly dir: string;
  readonly message?: string;
  /** The op set of the reduced model (of the whole model when it was not reduced; of the setup test for a state bug). */
  readonly ops: readonly string[];
  /** The same op set named by the SUT's kernels (Trilu is a Where on tfjs): what one bug is recognized by. */
  readonly kernels: readonly string[];
  /**
   * The nodes of that model as op(input dtypes): a later test that holds them all is taken for this
   * bug. One per reduced model that came out as this bug (Transpose on float32, then on int32).
   */
  triggers: (readonly string[])[];
  /** The normalized error message (or the class, for numeric and state bugs): part of the signature. */
  readonly pattern: string;
  readonly firstSeen: { readonly seed: string; readonly testIndex: number };
  occurrences: number;
  /** Against the signature database when the campaign ran (absent: not checked against one). */
  readonly status?: BugStatus;
  /** The reduced test, when reduction ran: its node count and folder (relative to the campaign folder). */
  readonly reduced?: { readonly nodes: number; readonly dir: string };
  /** For a state bug: the earlier test that left the SUT broken (its folder holds it as setup/). */
  readonly setup?: { readonly testIndex?: number; readonly ops: readonly string[] };
  /** The corpus entry (corpus/NAME) this bug is: a real bug found before, known by that name. */
  readonly corpus?: string;
}

/** What one SUT said over a campaign. */
export interface BackendStats {
  readonly verdicts: Record<VerdictKind, number>;
  /** Why tests were unsupported on it, with counts. */
  readonly unsupported: Record<string, number>;
  /** Tests not run on it because they hold the trigger of a crash, hang or error it already showed. */
  skippedKnown: number;
  /** Workers started afresh (after a failure, to confirm a finding, to trace a state bug). */
  restarts: number;
}

export interface CampaignSummary {
  readonly format: 'tensorsmith.summary/1';
  readonly seed: string;
  /** Tests whose reference run was clean and so were judged on every SUT. */
  readonly tests: number;
  /** Tests dropped because the input search found no values on which the reference run is trustworthy. */
  readonly discarded: number;
  /** Why tests were discarded ("nan-or-inf at Exp"), with counts. */
  readonly discardReasons: Record<string, number>;
  readonly testsPerSec: number;
  readonly elapsedSec: number;
  readonly backends: readonly BackendDescription[];
  readonly verdicts: Record<VerdictKind, number>;
  /** Verdict counts and unsupported reasons per SUT. */
  readonly perBackend: Record<string, BackendStats>;
  readonly bugs: readonly BugEntry[];
  /** Bugs new to the signature database, and known bugs marked fixed that showed again. */
  readonly newBugs: number;
  readonly regressions: number;
  /** Findings that did not reproduce alone in a fresh worker and could not be traced to an earlier test. */
  readonly unconfirmed: number;
  /** The first of them, for a look (up to UNCONFIRMED_KEPT). */
  readonly unconfirmedFindings: readonly UnconfirmedFinding[];
  /** Reduction: time spent, the share of the campaign it may take, bugs left unreduced (tensorsmith reduce does them). */
  readonly reduction: { readonly ms: number; readonly share: number; readonly unreduced: number };
  /** Errors of tensorsmith itself (the reference failing on a valid model, say): report them to tensorsmith. */
  readonly internalErrors: readonly InternalError[];
  /** Rewrite coverage: per SUT, the rewrites its optimizer made to the campaign's tests (see RewriteCoverage). */
  readonly coverage: RewriteCoverage;
  readonly config: Readonly<Record<string, unknown>>;
}

/** How often one rewrite fired: in how many tests, and the first test (its index) that made it fire. */
export interface RewriteCount {
  tests: number;
  readonly firstTest: number;
}

/** Per SUT, per rewrite name (onnxruntime's transformers), how often the campaign's tests made it fire. */
export type RewriteCoverage = Record<string, Record<string, RewriteCount>>;

/** Counts one test's rewrites on one SUT (each rewrite once per test). */
export function countRewrites(coverage: RewriteCoverage, sut: string, rewrites: readonly string[], testIndex: number): void {
  const mine = (coverage[sut] ??= {});
  for (const name of new Set(rewrites)) {
    const had = mine[name];
    if (had) had.tests++;
    else mine[name] = { tests: 1, firstTest: testIndex };
  }
}

/** Adds one campaign's coverage to another's (merge): counts add up, the first test is the smaller index. */
export function addCoverage(into: RewriteCoverage, from: RewriteCoverage): void {
  for (const [sut, rewrites] of Object.entries(from)) {
    const mine = (into[sut] ??= {});
    for (const [name, c] of Object.entries(rewrites)) {
      const had = mine[name];
      mine[name] = had ? { tests: had.tests + c.tests, firstTest: Math.min(had.firstTest, c.firstTest) } : { ...c };
    }
  }
}

/** Reads a coverage block (summary.json, progress.json). */
export function readCoverage(r: FieldReader, x: unknown, where: string): RewriteCoverage {
  return r.record(x, where, (rewrites, w) =>
    r.record(rewrites, w, (c, wc) => {
      const o = r.object(c, wc);
      return { tests: r.count(o.tests, `${wc}.tests`), firstTest: r.count(o.firstTest, `${wc}.firstTest`) };
    }),
  );
}

/** A finding a campaign did not list: it did not reproduce alone, and no earlier test explained it. */
export interface UnconfirmedFinding {
  readonly backend: string;
  readonly testIndex: number;
  readonly verdict: VerdictKind;
  readonly message?: string;
  /** Not traced at all: reduction had taken its share of the campaign's time. */
  readonly untraced?: boolean;
}

/** How many unconfirmed findings a summary keeps the details of. */
export const UNCONFIRMED_KEPT = 50;

export interface InternalError {
  readonly where: string;
  readonly testIndex: number;
  readonly message: string;
}

export function emptyVerdicts(): Record<VerdictKind, number> {
  const counts: Partial<Record<VerdictKind, number>> = {};
  for (const v of VERDICTS) counts[v] = 0;
  return counts as Record<VerdictKind, number>;
}

export function emptyBackendStats(): BackendStats {
  return { verdicts: emptyVerdicts(), unsupported: {}, skippedKnown: 0, restarts: 0 };
}

/** Adds one count under a key of a tally. */
export function tally(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}


/**
 * A bug entry as summary.json may hold it: "dir" may be absent (a hand-edited or older summary);
 * readers then look under bugs/<signature>.
 */
export type RecordedBug = Omit<BugEntry, 'dir'> & { readonly dir?: string };

/** A summary as read: its bug entries may lack "dir" (see RecordedBug). */
export interface RecordedSummary extends Omit<CampaignSummary, 'bugs'> {
  readonly bugs: readonly RecordedBug[];
}

const REMEDY = "the file is damaged (rewrite it with 'tensorsmith fuzz' or 'tensorsmith merge')";

/** A tally of verdicts: every key a verdict, every count a non-negative integer; kinds left out count 0. */
export function readVerdictCounts(r: FieldReader, x: unknown, where: string): Record<VerdictKind, number> {
  const counts = emptyVerdicts();
  for (const [kind, n] of Object.entries(r.object(x, where))) counts[r.oneOf(kind, VERDICTS, `${where} key`)] = r.count(n, `${where}.${kind}`);
  return counts;
}

export function readBackendStats(r: FieldReader, x: unknown, where: string): BackendStats {
  const o = r.object(x, where);
  return {
    verdicts: readVerdictCounts(r, o.verdicts, `${where}.verdicts`),
    unsupported: r.counts(o.unsupported, `${where}.unsupported`),
    skippedKnown: r.count(o.skippedKnown, `${where}.skippedKnown`),
    restarts: r.count(o.restarts, `${where}.restarts`),
  };
}

export function readBackendDescription(r: FieldReader, x: unknown, where: string): BackendDescription {
  const d = r.object(x, where);
  return { name: r.string(d.name, `${where}.name`), package: r.string(d.package, `${where}.package`), version: r.string(d.version, `${where}.version`) };
}

/** A bug entry; its case folder paths must lie strictly inside the campaign folder `dir` (merge copies and deletes by them, report embeds what they hold). */
function readBug(r: FieldReader, dir: string, x: unknown, where: string): RecordedBug {
  const o = r.object(x, where);
  const str = (key: string) => r.string(o[key], `${where}.${key}`);
  const firstSeen = r.object(o.firstSeen, `${where}.firstSeen`);
  const reduced = r.optional(o.reduced, `${where}.reduced`, (v, w) => {
    const red = r.object(v, w);
    return { nodes: r.count(red.nodes, `${w}.nodes`), dir: r.pathInside(dir, red.dir, `${w}.dir`) };
  });
  const setup = r.optional(o.setup, `${where}.setup`, (v, w) => {
    const s = r.object(v, w);
    return { ops: r.strings(s.ops, `${w}.ops`), ...present('testIndex', r.optional(s.testIndex, `${w}.testIndex`, (t, wt) => r.count(t, wt))) };
  });
  return {
    signature: str('signature'),
    class: str('class'),
    family: str('family'),
    verdict: r.oneOf(o.verdict, VERDICTS, `${where}.verdict`),
    backend: str('backend'),
    seenOn: r.strings(o.seenOn, `${where}.seenOn`),
    ops: r.strings(o.ops, `${where}.ops`),
    kernels: r.strings(o.kernels, `${where}.kernels`),
    triggers: r.array(o.triggers, `${where}.triggers`).map((t, i) => r.strings(t, `${where}.triggers[${i}]`)),
    pattern: str('pattern'),
    firstSeen: { seed: r.string(firstSeen.seed, `${where}.firstSeen.seed`), testIndex: r.count(firstSeen.testIndex, `${where}.firstSeen.testIndex`) },
    occurrences: r.count(o.occurrences, `${where}.occurrences`),
    ...present('dir', r.optional(o.dir, `${where}.dir`, (v, w) => r.pathInside(dir, v, w))),
    ...present('message', r.optional(o.message, `${where}.message`, (v, w) => r.string(v, w))),
    ...present('status', r.optional(o.status, `${where}.status`, (v, w) => r.oneOf(v, BUG_STATUSES, w))),
    ...present('reduced', reduced),
    ...present('setup', setup),
    ...present('corpus', r.optional(o.corpus, `${where}.corpus`, (v, w) => r.string(v, w))),
  };
}

/** A bug entry as a campaign records it for itself (progress.json): every field, "dir" and "status" included. */
export function readListedBug(r: FieldReader, dir: string, x: unknown, where: string): BugEntry {
  const bug = readBug(r, dir, x, where);
  return { ...bug, dir: r.string(bug.dir, `${where}.dir`), status: r.oneOf(bug.status, BUG_STATUSES, `${where}.status`) };
}

export function readUnconfirmed(r: FieldReader, x: unknown, where: string): UnconfirmedFinding {
  const o = r.object(x, where);
  return {
    backend: r.string(o.backend, `${where}.backend`),
    testIndex: r.count(o.testIndex, `${where}.testIndex`),
    verdict: r.oneOf(o.verdict, VERDICTS, `${where}.verdict`),
    ...present('message', r.optional(o.message, `${where}.message`, (v, w) => r.string(v, w))),
    ...present('untraced', r.optional(o.untraced, `${where}.untraced`, (v, w) => r.boolean(v, w))),
  };
}

export function readInternalError(r: FieldReader, x: unknown, where: string): InternalError {
  const o = r.object(x, where);
  const testIndex = o.testIndex;
  return {
    where: r.string(o.where, `${where}.where`),
    testIndex: typeof testIndex === 'number' && Number.isInteger(testIndex) ? testIndex : r.fail(`${where}.testIndex`, 'an integer', testIndex),
    message: r.string(o.message, `${where}.message`),
  };
}

/** Checks a summary.json value read from `file` in the campaign folder `dir`. */
export function checkSummary(raw: unknown, file: string, dir: string): RecordedSummary {
  const r = new FieldReader(file, REMEDY);
  const o = isRecord(raw) ? raw : r.fail('the summary', 'a JSON object', raw);
  r.format(o, SUMMARY_FORMAT, 'a tensorsmith campaign summary');
  const reduction = r.object(o.reduction, 'reduction');
  return {
    format: SUMMARY_FORMAT,
    seed: r.string(o.seed, 'seed'),
    tests: r.count(o.tests, 'tests'),
    discarded: r.count(o.discarded, 'discarded'),
    discardReasons: r.counts(o.discardReasons, 'discardReasons'),
    testsPerSec: r.number(o.testsPerSec, 'testsPerSec'),
    elapsedSec: r.number(o.elapsedSec, 'elapsedSec'),
    backends: r.array(o.backends, 'backends').map((b, i) => readBackendDescription(r, b, `backends[${i}]`)),
    verdicts: readVerdictCounts(r, o.verdicts, 'verdicts'),
    perBackend: r.record(o.perBackend, 'perBackend', (v, w) => readBackendStats(r, v, w)),
    bugs: r.array(o.bugs, 'bugs').map((b, i) => readBug(r, dir, b, `bugs[${i}]`)),
    newBugs: r.count(o.newBugs, 'newBugs'),
    regressions: r.count(o.regressions, 'regressions'),
    unconfirmed: r.count(o.unconfirmed, 'unconfirmed'),
    unconfirmedFindings: r.array(o.unconfirmedFindings, 'unconfirmedFindings').map((u, i) => readUnconfirmed(r, u, `unconfirmedFindings[${i}]`)),
    reduction: { ms: r.number(reduction.ms, 'reduction.ms'), share: r.number(reduction.share, 'reduction.share'), unreduced: r.count(reduction.unreduced, 'reduction.unreduced') },
    internalErrors: r.array(o.internalErrors, 'internalErrors').map((e, i) => readInternalError(r, e, `internalErrors[${i}]`)),
    // Summaries written before rewrite coverage existed have none.
    coverage: o.coverage === undefined ? {} : readCoverage(r, o.coverage, 'coverage'),
    config: r.object(o.config, 'config'),
  };
}

/**
 * Reads and checks DIR/summary.json: the one reader merge, report, repro --campaign and --jobs use.
 * A missing or damaged file, a field of the wrong type and a case folder path that is not strictly
 * inside DIR are each a one-line UserError naming the file and the field.
 */
export function readSummary(dir: string): RecordedSummary {
  if (!existsSync(dir)) throw new UserError(`campaign folder '${dir}' does not exist (give the folder 'fuzz --out' or 'merge --out' wrote)`);
  const file = join(dir, SUMMARY_FILE);
  if (!existsSync(file)) throw new UserError(`'${dir}' is not a campaign folder: it has no summary.json (give the folder 'fuzz --out' or 'merge --out' wrote)`);
  return checkSummary(readJsonFile(file), file, dir);
}

/**
 * The summary with every bug's case folder recorded, as merge needs it (it copies the folders): a
 * bug entry without "dir" is a UserError naming it.
 */
export function withBugDirs(summary: RecordedSummary, file: string): CampaignSummary {
  const r = new FieldReader(file, REMEDY);
  return { ...summary, bugs: summary.bugs.map((b, i) => ({ ...b, dir: r.string(b.dir, `bugs[${i}].dir`) })) };
}

/** Writes DIR/summary.json atomically: a campaign killed mid-write leaves the previous one. */
export function writeSummary(dir: string, summary: CampaignSummary): void {
  writeJsonAtomic(join(dir, SUMMARY_FILE), summary);
}
