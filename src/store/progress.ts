import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../ir/errors.js';
import type { VerdictKind } from '../oracles/verdict.js';
import { writeJsonAtomic } from './atomic.js';
import { FieldReader, isRecord } from './fields.js';
import { readJsonFile } from './json-file.js';
import {
  readBackendStats,
  readInternalError,
  readCoverage,
  readListedBug,
  readUnconfirmed,
  readVerdictCounts,
  type BackendStats,
  type BugEntry,
  type InternalError,
  type RewriteCoverage,
  type UnconfirmedFinding,
} from './summary.js';

export const PROGRESS_FORMAT = 'tensorsmith.progress/3';
export const PROGRESS_FILE = 'progress.json';

/** Which test indices a campaign runs: those equal to `index` modulo `count` (see campaign/shard.ts). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/**
 * What a campaign has committed: the next step, the counters and the bug list as they stood when
 * the last step ended. A step (a test, or one reduction) commits only when it ends, so a killed
 * campaign resumes at the step it was in, and what that step had written is undone (see
 * campaign/resume.ts, dropUncommittedCases).
 */
export interface Progress {
  readonly format: 'tensorsmith.progress/3';
  readonly seed: string;
  readonly shard: ShardSpec;
  nextStep: number;
  tests: number;
  discarded: number;
  findings: number;
  elapsedSec: number;
  verdicts: Record<VerdictKind, number>;
  perBackend: Record<string, BackendStats>;
  discardReasons: Record<string, number>;
  /** The bugs listed, with their sightings and triggers (the case folders hold only the first). */
  bugs: BugEntry[];
  /** Bugs listed but not reduced yet, by signature. */
  pending: string[];
  reduceMs: number;
  unconfirmed: number;
  unconfirmedFindings: UnconfirmedFinding[];
  internalErrors: InternalError[];
  coverage: RewriteCoverage;
}

const REMEDY = 'the case folders are intact: start a new campaign folder';

/** Checks a progress.json value read from `file` (whose bug folders must lie inside its folder). */
export function checkProgress(raw: unknown, file: string): Progress {
  const r = new FieldReader(file, REMEDY);
  const o = isRecord(raw) ? raw : r.fail('the file', 'a JSON object', raw);
  if (o.format !== PROGRESS_FORMAT) {
    throw new UserError(`${file} was written by another version of tensorsmith (format ${JSON.stringify(o.format) ?? 'missing'}, not "${PROGRESS_FORMAT}"); start a new campaign folder`);
  }
  const shard = r.object(o.shard, 'shard');
  const index = r.count(shard.index, 'shard.index');
  const count = r.count(shard.count, 'shard.count');
  if (count < 1 || index >= count) r.fail('shard', 'an index below a positive count', shard);
  return {
    format: PROGRESS_FORMAT,
    seed: r.string(o.seed, 'seed'),
    shard: { index, count },
    nextStep: r.count(o.nextStep, 'nextStep'),
    tests: r.count(o.tests, 'tests'),
    discarded: r.count(o.discarded, 'discarded'),
    findings: r.count(o.findings, 'findings'),
    elapsedSec: r.number(o.elapsedSec, 'elapsedSec'),
    verdicts: readVerdictCounts(r, o.verdicts, 'verdicts'),
    perBackend: r.record(o.perBackend, 'perBackend', (v, w) => readBackendStats(r, v, w)),
    discardReasons: r.counts(o.discardReasons, 'discardReasons'),
    bugs: r.array(o.bugs, 'bugs').map((b, i) => readListedBug(r, dirname(file), b, `bugs[${i}]`)),
    pending: r.strings(o.pending, 'pending'),
    reduceMs: r.number(o.reduceMs, 'reduceMs'),
    unconfirmed: r.count(o.unconfirmed, 'unconfirmed'),
    unconfirmedFindings: r.array(o.unconfirmedFindings, 'unconfirmedFindings').map((u, i) => readUnconfirmed(r, u, `unconfirmedFindings[${i}]`)),
    internalErrors: r.array(o.internalErrors, 'internalErrors').map((e, i) => readInternalError(r, e, `internalErrors[${i}]`)),
    coverage: readCoverage(r, o.coverage, 'coverage'),
  };
}

/** DIR/progress.json, checked; undefined when there is none (a campaign that has not started, or a worker not yet). */
export function readProgressFile(dir: string): Progress | undefined {
  const file = join(dir, PROGRESS_FILE);
  return existsSync(file) ? checkProgress(readJsonFile(file), file) : undefined;
}

export function writeProgress(dir: string, progress: Progress): void {
  writeJsonAtomic(join(dir, PROGRESS_FILE), progress);
}

/** The progress of the campaign to resume in `outDir`, which must have this seed and shard. */
export function readProgress(outDir: string, seed: string, shard: ShardSpec): Progress {
  const progress = readProgressFile(outDir);
  if (!progress) throw new UserError(`'${outDir}' has no progress.json: there is no campaign to resume there`);
  if (progress.seed !== seed) throw new UserError(`the campaign in '${outDir}' has seed '${progress.seed}', not '${seed}' (drop --seed to resume it)`);
  if (progress.shard.index !== shard.index || progress.shard.count !== shard.count) {
    throw new UserError(`the campaign in '${outDir}' is shard ${progress.shard.index}/${progress.shard.count}; resume it with that --shard`);
  }
  return progress;
}

/** The seed of the campaign in a folder, for `--resume` without `--seed`; undefined when it has no progress.json. */
export function campaignSeed(outDir: string): string | undefined {
  return readProgressFile(outDir)?.seed;
}
