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
  readonly verdict: VerdictKind;
  readonly backend: string;
  /** The case folder, relative to the campaign folder (bugs/<signature>). */
  readonly dir: string;
  readonly message?: string;
  /** The op set of the reduced model (of the whole model when it was not reduced). */
  readonly ops: readonly string[];
  /** The normalized error message (or the verdict, for wrong results): part of the signature. */
  readonly pattern: string;
  readonly firstSeen: { readonly seed: string; readonly testIndex: number };
  occurrences: number;
  /** Against the signature database when the campaign ran. */
  readonly status: BugStatus;
  /** The reduced test, when reduction ran: its node count and folder (relative to the campaign folder). */
  readonly reduced?: { readonly nodes: number; readonly dir: string };
}

export interface CampaignSummary {
  readonly format: 'tensorsmith.summary/1';
  readonly seed: string;
  /** Tests whose reference run was clean and so were judged on every SUT. */
  readonly tests: number;
  /** Tests dropped because the input search found no values on which the reference run is trustworthy. */
  readonly discarded: number;
  readonly testsPerSec: number;
  readonly elapsedSec: number;
  readonly backends: readonly BackendDescription[];
  readonly verdicts: Record<VerdictKind, number>;
  readonly bugs: readonly BugEntry[];
  /** Bugs new to the signature database, and known bugs marked fixed that showed again. */
  readonly newBugs: number;
  readonly regressions: number;
  readonly config: Readonly<Record<string, unknown>>;
}

export function emptyVerdicts(): Record<VerdictKind, number> {
  return Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<VerdictKind, number>;
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
