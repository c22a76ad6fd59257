import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendDescription } from '../backends/adapter.js';
import { UserError } from '../ir/errors.js';
import { stableStringify } from '../ir/json.js';
import { VERDICTS, type VerdictKind } from '../oracles/verdict.js';
import type { CaseMeta } from './case-folder.js';
import type { BugStatus } from './signature-db.js';

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
  /** Against the signature database when the campaign ran. */
  readonly status: BugStatus;
  /** The reduced test, when reduction ran: its node count and folder (relative to the campaign folder). */
  readonly reduced?: { readonly nodes: number; readonly dir: string };
  /** For a state bug: the earlier test that left the SUT broken (its folder holds it as setup/). */
  readonly setup?: { readonly testIndex?: number; readonly ops: readonly string[] };
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
  readonly config: Readonly<Record<string, unknown>>;
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

/** Writes a JSON file through a temporary sibling, so that a reader never sees half of it. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, stableStringify(value));
  renameSync(tmp, path);
}

export function readSummary(dir: string): CampaignSummary {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) throw new UserError(`'${dir}' is not a campaign folder: it has no summary.json`);
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as CampaignSummary;
    if (summary.format !== 'tensorsmith.summary/1') throw new Error(`format is ${String(summary.format)}`);
    return summary;
  } catch (e) {
    throw new UserError(`${path} is not a tensorsmith campaign summary (${(e as Error).message})`);
  }
}

/**
 * The case folders of a campaign, read from disk: the source of truth after a crash. Temporary
 * folders of an interrupted write (`*.tmp-*`) are skipped; a folder whose meta.json cannot be read
 * is reported, not dropped silently.
 */
export function readBugFolders(dir: string): { meta: CaseMeta; dir: string; reducedNodes?: number }[] {
  const bugsDir = join(dir, 'bugs');
  if (!existsSync(bugsDir)) return [];
  const found: { meta: CaseMeta; dir: string; reducedNodes?: number }[] = [];
  for (const name of readdirSync(bugsDir).sort()) {
    if (name.includes('.tmp-')) continue;
    const metaFile = join(bugsDir, name, 'meta.json');
    let meta: CaseMeta;
    try {
      meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CaseMeta;
    } catch (e) {
      throw new UserError(`case folder ${join(bugsDir, name)} is corrupt (${(e as Error).message}); move it away and resume again`);
    }
    const reducedModel = join(bugsDir, name, 'reduced', 'model.json');
    const reducedNodes = existsSync(reducedModel) ? (JSON.parse(readFileSync(reducedModel, 'utf8')) as { nodes: unknown[] }).nodes.length : undefined;
    found.push({ meta, dir: join('bugs', name), ...(reducedNodes !== undefined ? { reducedNodes } : {}) });
  }
  return found;
}
