import { cpSync, existsSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../ir/errors.js';
import { VERDICTS } from '../oracles/verdict.js';
import { insideFolder, quoted } from '../store/contained-path.js';
import { SignatureDb } from '../store/signatures.js';
import { addCoverage, emptyBackendStats, emptyVerdicts, readSummary, tally, withBugDirs, writeSummary, type BackendStats, type BugEntry, type CampaignSummary, type InternalError, type RewriteCoverage, type UnconfirmedFinding, UNCONFIRMED_KEPT } from '../store/summary.js';

const STATUS_RANK = { regression: 2, new: 1, known: 0 } as const;

/** A bug not checked against a signature database ranks below every status. */
function rankOf(status: keyof typeof STATUS_RANK | undefined): number {
  return status === undefined ? -1 : STATUS_RANK[status];
}

/** An input campaign folder, read and checked. */
interface InputCampaign {
  readonly dir: string;
  readonly summary: CampaignSummary;
  /** Each bug entry's place, for messages ("/x/summary.json: bugs[3]"). */
  readonly bugPlaces: readonly string[];
  readonly db?: SignatureDb;
}

/** A bug the merged folder keeps: its entry, the campaign folder its case folder comes from, and where the entry was read. */
interface KeptBug {
  readonly entry: BugEntry;
  readonly from: string;
  readonly place: string;
}

function corrupt(what: string): never {
  throw new UserError(`${what}; the file is corrupt: take it again from the run that wrote it, or delete that entry`);
}

/**
 * Reads a campaign folder's summary.json and signatures.json, both checked by their readers (every
 * path a bug entry holds lies inside the folder: merge copies and deletes by these paths).
 */
function readInputCampaign(dir: string): InputCampaign {
  const file = join(dir, 'summary.json');
  const summary = withBugDirs(readSummary(dir), file);
  const bugPlaces = summary.bugs.map((_entry, i) => `${file}: bugs[${i}]`);
  const dbFile = join(dir, 'signatures.json');
  return { dir, summary, bugPlaces, ...(existsSync(dbFile) ? { db: SignatureDb.open(dbFile) } : {}) };
}

/** Whether two paths are one folder on disk (a campaign merged into itself, or one folder spelled two ways). */
function sameFolder(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  return existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b);
}

/** The folders above a relative path ('bugs/x/reduced' -> 'bugs/x', 'bugs'). */
function ancestorsOf(name: string): string[] {
  const found: string[] = [];
  for (let up = dirname(name); up !== '.' && up !== dirname(up); up = dirname(up)) found.push(up);
  return found;
}

/**
 * The case folder copies of the kept bugs (source -> target), each checked before anything is
 * written: the target lies inside --out, the source is a folder, and no two targets are one folder
 * or nest (copying one would delete the other).
 */
function planCopies(kept: readonly KeptBug[], outDir: string): { source: string; target: string }[] {
  const owners = new Map<string, KeptBug>();
  const above = new Map<string, KeptBug>();
  const copies: { source: string; target: string }[] = [];
  for (const bug of kept) {
    const field = `${bug.place}.dir ${quoted(bug.entry.dir)}`;
    const source = insideFolder(bug.from, bug.entry.dir, `${bug.place}.dir`);
    const target = insideFolder(outDir, bug.entry.dir, `${bug.place}.dir`);
    const name = relative(resolve(outDir), target);
    const clash = above.get(name) ?? [name, ...ancestorsOf(name)].map((n) => owners.get(n)).find((b) => b !== undefined);
    if (clash) corrupt(`${field} and ${clash.place}.dir ${quoted(clash.entry.dir)} name one case folder or one inside the other (copying one would delete the other)`);
    owners.set(name, bug);
    for (const up of ancestorsOf(name)) above.set(up, bug);
    if (sameFolder(source, target)) continue;
    if (!existsSync(source) || !statSync(source).isDirectory()) corrupt(`${field} names the case folder ${source}, which is missing or not a folder`);
    copies.push({ source, target });
  }
  return copies;
}

/**
 * Joins campaign folders (shards of one seed, or the workers of --jobs) into one: counters add up,
 * each bug signature keeps one case folder (the one first seen at the lowest test index, so the
 * result does not depend on the order of the folders), occurrences add up, and the signature
 * databases are united. Every input is read and checked before anything is written, so a rejected
 * merge (a corrupt summary.json, a case folder path leading out of its campaign) leaves --out as it was.
 */
export function mergeCampaigns(dirs: readonly string[], outDir: string): CampaignSummary {
  if (dirs.length === 0) throw new UserError('merge needs at least one campaign folder');
  const inputs = dirs.map(readInputCampaign);
  const seeds = new Set(inputs.map((s) => s.summary.seed));
  if (seeds.size > 1) throw new UserError(`the folders come from different seeds (${[...seeds].join(', ')}); merge shards of one campaign`);
  const bugs = new Map<string, KeptBug>();
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
  const coverage: RewriteCoverage = {};
  const unconfirmedFindings: UnconfirmedFinding[] = [];
  const db = SignatureDb.open(join(outDir, 'signatures.json'));
  for (const { dir, summary, bugPlaces, db: campaignDb } of inputs) {
    tests += summary.tests;
    discarded += summary.discarded;
    elapsedSec = Math.max(elapsedSec, summary.elapsedSec);
    for (const v of VERDICTS) verdicts[v] += summary.verdicts[v];
    unconfirmed += summary.unconfirmed;
    reduceMs += summary.reduction.ms;
    unreduced += summary.reduction.unreduced;
    for (const [reason, n] of Object.entries(summary.discardReasons)) tally(discardReasons, reason, n);
    for (const [name, stats] of Object.entries(summary.perBackend)) {
      const into = (perBackend[name] ??= emptyBackendStats());
      for (const v of VERDICTS) into.verdicts[v] += stats.verdicts[v];
      for (const [reason, n] of Object.entries(stats.unsupported)) tally(into.unsupported, reason, n);
      into.skippedKnown += stats.skippedKnown;
      into.restarts += stats.restarts;
    }
    internalErrors.push(...summary.internalErrors);
    addCoverage(coverage, summary.coverage);
    unconfirmedFindings.push(...summary.unconfirmedFindings);
    if (campaignDb) db.absorb(campaignDb);
    summary.bugs.forEach((entry, i) => {
      const place = bugPlaces[i]!;
      const had = bugs.get(entry.signature);
      if (!had) {
        bugs.set(entry.signature, { entry: { ...entry }, from: dir, place });
        return;
      }
      const occurrences = had.entry.occurrences + entry.occurrences;
      const seenOn = [...new Set([...had.entry.seenOn, ...entry.seenOn])];
      const earlier = entry.firstSeen.testIndex < had.entry.firstSeen.testIndex;
      const status = rankOf(entry.status) > rankOf(had.entry.status) ? entry.status : had.entry.status;
      bugs.set(entry.signature, earlier ? { entry: { ...entry, occurrences, status, seenOn }, from: dir, place } : { ...had, entry: { ...had.entry, occurrences, status, seenOn } });
    });
  }
  const copies = planCopies([...bugs.values()], outDir);
  // Checked: from here on merge writes.
  mkdirSync(join(outDir, 'bugs'), { recursive: true });
  for (const { source, target } of copies) {
    rmSync(target, { recursive: true, force: true });
    cpSync(source, target, { recursive: true });
  }
  const first = inputs[0]!.summary;
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
    reduction: { ms: reduceMs, share: first.reduction.share, unreduced },
    internalErrors,
    coverage,
    config: { ...config, mergedFrom: dirs.length },
  };
  db.save();
  writeSummary(outDir, merged);
  return merged;
}
