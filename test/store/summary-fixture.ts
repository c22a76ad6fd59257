import type { BugEntry } from '../../src/store/summary.js';

/** A complete summary.json value as fuzz writes it, with no bugs; `fields` replace its fields. */
export function summaryValue(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'tensorsmith.summary/1',
    seed: 'seed-1',
    tests: 10,
    discarded: 0,
    discardReasons: {},
    testsPerSec: 5,
    elapsedSec: 2,
    backends: [{ name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0' }],
    verdicts: { ok: 10 },
    perBackend: {},
    bugs: [],
    newBugs: 0,
    regressions: 0,
    unconfirmed: 0,
    unconfirmedFindings: [],
    reduction: { ms: 0, share: 0, unreduced: 0 },
    internalErrors: [],
    coverage: { 'ort-all': { EliminateIdentity: { tests: 3, firstTest: 0 } } },
    config: {},
    ...fields,
  };
}

/** A bug entry as fuzz writes it (summary.json, progress.json); `fields` replace its fields. */
export function listedBug(signature: string, fields: Partial<BugEntry> = {}): BugEntry {
  return {
    signature,
    class: 'crash',
    family: 'ort',
    verdict: 'crash',
    backend: 'ort-all',
    seenOn: ['ort-all'],
    dir: `bugs/${signature}`,
    ops: ['Relu'],
    kernels: ['Relu'],
    triggers: [['Relu(float32)']],
    pattern: 'crash',
    firstSeen: { seed: 'seed-1', testIndex: 3 },
    occurrences: 1,
    status: 'new',
    ...fields,
  };
}

/** The same as a JSON value, where `fields` may also give values of the wrong type. */
export function bugValue(signature: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...listedBug(signature), ...fields };
}
