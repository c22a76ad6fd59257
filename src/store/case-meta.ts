import type { BugSignature } from '../oracles/signature.js';
import { VERDICTS, type Verdict, type WorstElement } from '../oracles/verdict.js';
import { FieldReader, isRecord, present } from './fields.js';
import { readJsonFile } from './json-file.js';
import { BUG_STATUSES, type BugStatus } from './signatures.js';

export const CASE_FORMAT = 'tensorsmith.case/1';

/** meta.json of a bug case folder: where the test came from and what the SUT did with it. */
export interface CaseMeta {
  readonly format: 'tensorsmith.case/1';
  readonly seed: string;
  readonly testIndex: number;
  readonly toolVersion: string;
  readonly backends: readonly { name: string; package: string; version: string; device?: string }[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly verdict: Verdict;
  readonly signature: BugSignature;
  readonly timings: Readonly<Record<string, number | undefined>>;
  readonly createdAt: string;
  /** Against the signature database when the bug was found. */
  readonly status?: BugStatus;
  /** For a reduced case: how the reduction went (nodes before and after, checks, time). */
  readonly reduction?: Readonly<Record<string, number | boolean>>;
  /**
   * A state bug: the test fails only after the test in setup/ ran in the same SUT process (that
   * test's campaign index, when it has one). Replays run setup/ first.
   */
  readonly setup?: { readonly testIndex?: number };
  /** The SUT family (see BackendAdapter.family). */
  readonly family?: string;
}

const REMEDY = 'fix the field or regenerate the case';

/** Case files write NaN and the infinities as strings, since JSON has no such numbers. */
function jsonNumber(r: FieldReader, x: unknown, where: string): number {
  if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') return Number(x);
  return typeof x === 'number' ? x : r.fail(where, 'a number (or "NaN", "Infinity", "-Infinity")', x);
}

function readWorst(r: FieldReader, x: unknown, where: string): WorstElement {
  const o = r.object(x, where);
  return {
    output: r.string(o.output, `${where}.output`),
    index: r.count(o.index, `${where}.index`),
    position: r.array(o.position, `${where}.position`).map((p, i) => r.count(p, `${where}.position[${i}]`)),
    expected: jsonNumber(r, o.expected, `${where}.expected`),
    actual: jsonNumber(r, o.actual, `${where}.actual`),
    errorRatio: jsonNumber(r, o.errorRatio, `${where}.errorRatio`),
  };
}

/** A verdict as case files and summaries record it. */
export function readVerdict(r: FieldReader, x: unknown, where: string): Verdict {
  const o = r.object(x, where);
  const message = r.optional(o.message, `${where}.message`, (v, w) => r.string(v, w));
  const reason = r.optional(o.reason, `${where}.reason`, (v, w) => r.string(v, w));
  const worst = r.optional(o.worst, `${where}.worst`, (v, w) => readWorst(r, v, w));
  return {
    kind: r.oneOf(o.kind, VERDICTS, `${where}.kind`),
    backend: r.string(o.backend, `${where}.backend`),
    ...present('message', message),
    ...present('reason', reason),
    ...present('worst', worst),
  };
}

const DESCRIPTION = 'a SUT description ({"name", "package", "version"})';

function readSignature(r: FieldReader, x: unknown): Partial<BugSignature> {
  const o = r.object(x, 'signature');
  const text = (key: 'class' | 'family' | 'pattern' | 'hash') => r.optional(o[key], `signature.${key}`, (v, w) => r.string(v, w));
  const list = (key: 'ops' | 'kernels') => r.optional(o[key], `signature.${key}`, (v, w) => r.strings(v, w));
  return {
    ...present('class', text('class')),
    ...present('family', text('family')),
    ...present('ops', list('ops')),
    ...present('kernels', list('kernels')),
    ...present('pattern', text('pattern')),
    ...present('hash', text('hash')),
  };
}

/**
 * Checks a meta.json record. "format" and "verdict" are required (they say what the folder is);
 * the other fields may be absent in records written by hand or by older versions, and every field
 * present is checked through and through. The result holds only checked fields.
 */
export function checkCaseMeta(raw: unknown, file: string): CaseMeta {
  const r = new FieldReader(file, REMEDY);
  const m = isRecord(raw) ? raw : r.fail('the file', 'a JSON object (a tensorsmith case record)', raw);
  r.format(m, CASE_FORMAT, 'a tensorsmith case record');
  const str = (key: string) => r.optional(m[key], key, (v, w) => r.string(v, w));
  const backends = r.optional(m.backends, 'backends', (v, w) =>
    r.array(v, w).map((b, i) => {
      const d = isRecord(b) ? b : r.fail(`${w}[${i}]`, DESCRIPTION, b);
      const pkg = r.optional(d.package, `${w}[${i}].package`, (x, wx) => r.string(x, wx));
      const version = r.optional(d.version, `${w}[${i}].version`, (x, wx) => r.string(x, wx));
      const device = r.optional(d.device, `${w}[${i}].device`, (x, wx) => r.string(x, wx));
      return { name: r.string(d.name, `${w}[${i}].name`), ...present('package', pkg), ...present('version', version), ...present('device', device) };
    }),
  );
  const setup = r.optional(m.setup, 'setup', (v, w) => {
    const testIndex = r.optional(r.object(v, w).testIndex, `${w}.testIndex`, (x, wx) => r.count(x, wx));
    return present('testIndex', testIndex);
  });
  const meta = {
    format: CASE_FORMAT,
    verdict: readVerdict(r, m.verdict, 'verdict'),
    ...present('seed', str('seed')),
    ...present('testIndex', r.optional(m.testIndex, 'testIndex', (v, w) => r.count(v, w))),
    ...present('toolVersion', str('toolVersion')),
    ...present('backends', backends),
    ...present('config', r.optional(m.config, 'config', (v, w) => r.object(v, w))),
    ...present('signature', r.optional(m.signature, 'signature', (v) => readSignature(r, v))),
    ...present('timings', r.optional(m.timings, 'timings', (v, w) => r.record(v, w, (x, wx) => r.number(x, wx)))),
    ...present('createdAt', str('createdAt')),
    ...present('status', r.optional(m.status, 'status', (v, w) => r.oneOf(v, BUG_STATUSES, w))),
    ...present(
      'reduction',
      r.optional(m.reduction, 'reduction', (v, w) => r.record(v, w, (x, wx) => (typeof x === 'boolean' ? x : r.number(x, wx)))),
    ),
    ...present('setup', setup),
    ...present('family', str('family')),
  };
  // Older and hand-written records may lack what a campaign always writes; readers that need it
  // (a campaign's own case folders) require it with requireCampaignMeta.
  return meta as CaseMeta;
}

/** Reads and checks a meta.json file. */
export function readCaseMeta(file: string): CaseMeta {
  return checkCaseMeta(readJsonFile(file), file);
}

/**
 * A campaign's own case record: what resume and merge rebuild a bug entry from must be there (the
 * seed, test index and the whole signature), not only well-typed when present.
 */
export function requireCampaignMeta(meta: CaseMeta, file: string): CaseMeta {
  const r = new FieldReader(file, 'move the case folder away and resume again');
  r.string(meta.seed, 'seed');
  r.count(meta.testIndex, 'testIndex');
  const sig = r.object(meta.signature, 'signature');
  for (const key of ['class', 'family', 'pattern', 'hash'] as const) r.string(sig[key], `signature.${key}`);
  r.strings(sig.ops, 'signature.ops');
  return meta;
}
