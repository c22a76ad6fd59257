import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendDescription } from '../../backends/adapter.js';
import { UserError } from '../../ir/errors.js';
import { insideFolder } from '../contained-path.js';
import type { ReportBackendStats, ReportBugStatus } from './document.js';

/** A bug entry of summary.json, as the report reads it (fields added later are optional). */
export interface SummaryBug {
  readonly signature: string;
  readonly verdict: string;
  readonly backend: string;
  readonly dir?: string;
  readonly message?: string;
  readonly ops: readonly string[];
  readonly firstSeen: { readonly seed: string; readonly testIndex: number };
  readonly occurrences: number;
  readonly status?: ReportBugStatus;
  readonly reduced?: { readonly nodes: number; readonly dir: string };
  readonly seenOn?: readonly string[];
  readonly setup?: { readonly ops: readonly string[]; readonly testIndex?: number };
}

export interface SummaryFile {
  readonly seed: string;
  readonly tests: number;
  readonly discarded: number;
  readonly testsPerSec: number;
  readonly elapsedSec: number;
  readonly backends: readonly BackendDescription[];
  readonly verdicts: Readonly<Record<string, number>>;
  readonly bugs: readonly SummaryBug[];
  readonly perBackend: Readonly<Record<string, ReportBackendStats>>;
  readonly discardReasons: Readonly<Record<string, number>>;
  readonly unconfirmed: number;
  readonly unreduced: number;
  readonly internalErrors: readonly { readonly where: string; readonly message: string }[];
}

const SUMMARY_FORMAT = 'tensorsmith.summary/1';
const STATUSES: readonly ReportBugStatus[] = ['new', 'known', 'regression'];

function isStatus(s: string): s is ReportBugStatus {
  return STATUSES.some((status) => status === s);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Field readers that name the file and the field when summary.json does not hold what it must. */
class FieldReader {
  constructor(
    private readonly file: string,
    private readonly campaignDir: string,
  ) {}

  fail(where: string, what: string): never {
    throw new UserError(`${this.file}: ${where} must be ${what}; the file is damaged (rewrite it with 'tensorsmith fuzz' or 'tensorsmith merge')`);
  }

  object(x: unknown, where: string): Record<string, unknown> {
    return isRecord(x) ? x : this.fail(where, 'an object');
  }

  string(x: unknown, where: string): string {
    return typeof x === 'string' ? x : this.fail(where, 'a string');
  }

  number(x: unknown, where: string): number {
    return typeof x === 'number' ? x : this.fail(where, 'a number');
  }

  optionalString(x: unknown, where: string): string | undefined {
    return x === undefined ? undefined : this.string(x, where);
  }

  /** A path relative to the campaign folder, checked to lie strictly inside it: the report reads what it names. */
  campaignPath(x: unknown, where: string): string {
    const path = this.string(x, where);
    insideFolder(this.campaignDir, path, `${this.file}: ${where}`);
    return path;
  }

  array(x: unknown, where: string): readonly unknown[] {
    return Array.isArray(x) ? x : this.fail(where, 'an array');
  }

  strings(x: unknown, where: string): string[] {
    return this.array(x, where).map((s, i) => this.string(s, `${where}[${i}]`));
  }

  /** A tally (key -> count); absent reads as empty (summaries written before it existed). */
  counts(x: unknown, where: string): Record<string, number> {
    if (x === undefined) return {};
    return Object.fromEntries(Object.entries(this.object(x, where)).map(([k, v]) => [k, this.number(v, `${where}.${k}`)]));
  }
}

function readBug(r: FieldReader, raw: unknown, where: string): SummaryBug {
  const o = r.object(raw, where);
  const firstSeen = o.firstSeen === undefined ? undefined : r.object(o.firstSeen, `${where}.firstSeen`);
  const statusText = o.status === undefined ? undefined : r.string(o.status, `${where}.status`);
  const status = statusText === undefined || isStatus(statusText) ? statusText : r.fail(`${where}.status`, `one of ${STATUSES.join(', ')}`);
  const reduced = o.reduced === undefined ? undefined : r.object(o.reduced, `${where}.reduced`);
  const setup = o.setup === undefined ? undefined : r.object(o.setup, `${where}.setup`);
  const setupIndex = setup?.testIndex === undefined ? undefined : r.number(setup.testIndex, `${where}.setup.testIndex`);
  const dir = o.dir === undefined ? undefined : r.campaignPath(o.dir, `${where}.dir`);
  const message = r.optionalString(o.message, `${where}.message`);
  return {
    signature: r.string(o.signature, `${where}.signature`),
    verdict: r.string(o.verdict, `${where}.verdict`),
    backend: r.string(o.backend, `${where}.backend`),
    ops: o.ops === undefined ? [] : r.strings(o.ops, `${where}.ops`),
    firstSeen: firstSeen
      ? { seed: r.string(firstSeen.seed, `${where}.firstSeen.seed`), testIndex: r.number(firstSeen.testIndex, `${where}.firstSeen.testIndex`) }
      : { seed: '', testIndex: -1 },
    occurrences: o.occurrences === undefined ? 1 : r.number(o.occurrences, `${where}.occurrences`),
    ...(dir !== undefined ? { dir } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(reduced ? { reduced: { nodes: r.number(reduced.nodes, `${where}.reduced.nodes`), dir: r.campaignPath(reduced.dir, `${where}.reduced.dir`) } } : {}),
    ...(o.seenOn !== undefined ? { seenOn: r.strings(o.seenOn, `${where}.seenOn`) } : {}),
    ...(setup ? { setup: { ops: r.strings(setup.ops, `${where}.setup.ops`), ...(setupIndex !== undefined ? { testIndex: setupIndex } : {}) } } : {}),
  };
}

/**
 * Reads and checks DIR/summary.json; a missing or damaged file is a UserError naming it, and so is
 * a case folder path (`dir`, `reduced.dir`) that is not strictly inside DIR.
 */
export function readCampaignSummary(campaignDir: string): SummaryFile {
  if (!existsSync(campaignDir)) throw new UserError(`campaign folder '${campaignDir}' does not exist (give the folder 'fuzz --out' or 'merge --out' wrote)`);
  const file = join(campaignDir, 'summary.json');
  if (!existsSync(file)) throw new UserError(`'${campaignDir}' is not a campaign folder: it has no summary.json (give the folder 'fuzz --out' or 'merge --out' wrote)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file} is not valid JSON (${(e as Error).message}); the campaign was cut off or the file damaged`);
  }
  const r = new FieldReader(file, campaignDir);
  const o = r.object(raw, 'the summary');
  if (o.format !== SUMMARY_FORMAT) r.fail('"format"', `"${SUMMARY_FORMAT}"`);
  const verdicts = r.object(o.verdicts, 'verdicts');
  return {
    seed: r.string(o.seed, 'seed'),
    tests: r.number(o.tests, 'tests'),
    discarded: r.number(o.discarded, 'discarded'),
    testsPerSec: r.number(o.testsPerSec, 'testsPerSec'),
    elapsedSec: r.number(o.elapsedSec, 'elapsedSec'),
    backends: r.array(o.backends, 'backends').map((b, i) => {
      const d = r.object(b, `backends[${i}]`);
      return { name: r.string(d.name, `backends[${i}].name`), package: r.string(d.package, `backends[${i}].package`), version: r.string(d.version, `backends[${i}].version`) };
    }),
    verdicts: Object.fromEntries(Object.entries(verdicts).map(([k, v]) => [k, r.number(v, `verdicts.${k}`)])),
    bugs: r.array(o.bugs, 'bugs').map((b, i) => readBug(r, b, `bugs[${i}]`)),
    perBackend: Object.fromEntries(
      Object.entries(o.perBackend === undefined ? {} : r.object(o.perBackend, 'perBackend')).map(([name, raw]) => {
        const stats = r.object(raw, `perBackend.${name}`);
        return [
          name,
          {
            verdicts: r.counts(stats.verdicts, `perBackend.${name}.verdicts`),
            unsupported: r.counts(stats.unsupported, `perBackend.${name}.unsupported`),
            skippedKnown: stats.skippedKnown === undefined ? 0 : r.number(stats.skippedKnown, `perBackend.${name}.skippedKnown`),
          },
        ];
      }),
    ),
    discardReasons: r.counts(o.discardReasons, 'discardReasons'),
    unconfirmed: o.unconfirmed === undefined ? 0 : r.number(o.unconfirmed, 'unconfirmed'),
    unreduced: o.reduction === undefined ? 0 : r.number(r.object(o.reduction, 'reduction').unreduced ?? 0, 'reduction.unreduced'),
    internalErrors: o.internalErrors === undefined
      ? []
      : r.array(o.internalErrors, 'internalErrors').map((x, i) => {
          const e = r.object(x, `internalErrors[${i}]`);
          return { where: r.string(e.where, `internalErrors[${i}].where`), message: r.string(e.message, `internalErrors[${i}].message`) };
        }),
  };
}
