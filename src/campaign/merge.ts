import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import { VERDICTS } from '../oracles/verdict.js';
import { SignatureDb } from './signature-db.js';
import { emptyBackendStats, emptyVerdicts, readSummary, tally, writeJsonAtomic, type BackendStats, type BugEntry, type CampaignSummary, type InternalError, type UnconfirmedFinding, UNCONFIRMED_KEPT } from './summary.js';

const STATUS_RANK = { regression: 2, new: 1, known: 0 } as const;

/**
 * Joins campaign folders (shards of one seed, or the workers of --jobs) into one: counters add up,
 * each bug signature keeps one case folder (the one first seen at the lowest test index, so the
 * result does not depend on the order of the folders), occurrences add up, and the signature
 * databases are united.
 */
export function mergeCampaigns(dirs: readonly string[], outDir: string): CampaignSummary {
  if (dirs.length === 0) throw new UserError('merge needs at least one campaign folder');
  const summaries = dirs.map((dir) => ({ dir, summary: readSummary(dir) }));
  const seeds = new Set(summaries.map((s) => s.summary.seed));
  if (seeds.size > 1) throw new UserError(`the folders come from different seeds (${[...seeds].join(', ')}); merge shards of one campaign`);
  mkdirSync(join(outDir, 'bugs'), { recursive: true });
  const bugs = new Map<string, { entry: BugEntry; from: string }>();
  const verdicts = emptyVerdicts();
  let tests = 0;
  let discarded = 0;
  let elapsedSec = 0;
  let unconfirmed = 0;
  let reduceMs = 0;
  let unreduced = 0;
  const discardReasons: Record<string, number> = {};
  const perBackend: Record<string, BackendStats> = {};
  const internalErrors: InternalError[] = [];
  const unconfirmedFindings: UnconfirmedFinding[] = [];
  const db = SignatureDb.open(join(outDir, 'signatures.json'));
  for (const { dir, summary } of summaries) {
    tests += summary.tests;
    discarded += summary.discarded;
    elapsedSec = Math.max(elapsedSec, summary.elapsedSec);
    for (const v of VERDICTS) verdicts[v] += summary.verdicts[v] ?? 0;
    unconfirmed += summary.unconfirmed ?? 0;
    reduceMs += summary.reduction?.ms ?? 0;
    unreduced += summary.reduction?.unreduced ?? 0;
    for (const [reason, n] of Object.entries(summary.discardReasons ?? {})) tally(discardReasons, reason, n);
    for (const [name, stats] of Object.entries(summary.perBackend ?? {})) {
      const into = (perBackend[name] ??= emptyBackendStats());
      for (const v of VERDICTS) into.verdicts[v] += stats.verdicts[v] ?? 0;
      for (const [reason, n] of Object.entries(stats.unsupported)) tally(into.unsupported, reason, n);
      into.skippedKnown += stats.skippedKnown;
      into.restarts += stats.restarts;
    }
    internalErrors.push(...(summary.internalErrors ?? []));
    unconfirmedFindings.push(...(summary.unconfirmedFindings ?? []));
    if (existsSync(join(dir, 'signatures.json'))) db.absorb(SignatureDb.open(join(dir, 'signatures.json')));
    for (const entry of summary.bugs) {
      const had = bugs.get(entry.signature);
      if (!had) {
        bugs.set(entry.signature, { entry: { ...entry }, from: dir });
        continue;
      }
      const occurrences = had.entry.occurrences + entry.occurrences;
      const seenOn = [...new Set([...had.entry.seenOn, ...entry.seenOn])];
      const earlier = entry.firstSeen.testIndex < had.entry.firstSeen.testIndex;
      const status = STATUS_RANK[entry.status] > STATUS_RANK[had.entry.status] ? entry.status : had.entry.status;
      bugs.set(entry.signature, earlier ? { entry: { ...entry, occurrences, status, seenOn }, from: dir } : { entry: { ...had.entry, occurrences, status, seenOn }, from: had.from });
    }
  }
  for (const { entry, from } of bugs.values()) {
    const target = join(outDir, entry.dir);
    if (join(from, entry.dir) === target) continue;
    rmSync(target, { recursive: true, force: true });
    cpSync(join(from, entry.dir), target, { recursive: true });
  }
  const first = summaries[0]!.summary;
  const entries = [...bugs.values()].map((b) => b.entry).sort((a, b) => a.signature.localeCompare(b.signature));
  const config = Object.fromEntries(Object.entries(first.config).filter(([key]) => key !== 'shard'));
  const merged: CampaignSummary = {
    format: 'tensorsmith.summary/1',
    seed: first.seed,
    tests,
    discarded,
    discardReasons,
    testsPerSec: tests / Math.max(elapsedSec, 1e-9),
    elapsedSec,
    backends: first.backends,
    verdicts,
    perBackend,
    bugs: entries,
    newBugs: entries.filter((b) => b.status === 'new').length,
    regressions: entries.filter((b) => b.status === 'regression').length,
    unconfirmed,
    unconfirmedFindings: unconfirmedFindings.slice(0, UNCONFIRMED_KEPT),
    reduction: { ms: reduceMs, share: first.reduction?.share ?? 0, unreduced },
    internalErrors,
    config: { ...config, mergedFrom: dirs.length },
  };
  db.save();
  writeJsonAtomic(join(outDir, 'summary.json'), merged);
  return merged;
}
