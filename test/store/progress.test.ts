import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignSeed, readProgress, readProgressFile, writeProgress, type Progress } from '../../src/store/progress.js';
import { tempDir } from '../helpers.js';
import { expectEachRefused, expectRefused, withField } from './refusal.js';
import { listedBug } from './summary-fixture.js';

const VERDICTS = { ok: 3, 'wrong-result': 1, 'nan-mismatch': 0, crash: 0, hang: 0, 'compile-error': 0, 'runtime-error': 0, unsupported: 0 };
const PROGRESS: Progress = {
  format: 'tensorsmith.progress/3',
  seed: 's1',
  shard: { index: 1, count: 4 },
  nextStep: 5,
  tests: 4,
  discarded: 1,
  findings: 1,
  elapsedSec: 2.5,
  verdicts: VERDICTS,
  perBackend: { ref: { verdicts: VERDICTS, unsupported: {}, skippedKnown: 0, restarts: 1 } },
  discardReasons: { 'nan-or-inf at Exp': 1 },
  bugs: [listedBug('abc', { class: 'numeric', family: 'ref', verdict: 'wrong-result', backend: 'ref', seenOn: ['ref'], pattern: 'numeric', firstSeen: { seed: 's1', testIndex: 3 } })],
  pending: ['abc'],
  reduceMs: 10,
  unconfirmed: 0,
  unconfirmedFindings: [],
  internalErrors: [],
  coverage: { 'ort-basic': { MatMulAddFusion: { tests: 2, firstTest: 1 } } },
};

function folder(value: unknown): { dir: string; file: string } {
  const dir = tempDir('tensorsmith-store-');
  writeFileSync(join(dir, 'progress.json'), JSON.stringify(value));
  return { dir, file: join(dir, 'progress.json') };
}

describe('progress.json', () => {
  it('reads back what it wrote; a folder without one has no campaign', () => {
    const dir = tempDir('tensorsmith-store-');
    expect(readProgressFile(dir)).toBeUndefined();
    expect(campaignSeed(dir)).toBeUndefined();
    writeProgress(dir, PROGRESS);
    expect(readProgress(dir, 's1', { index: 1, count: 4 })).toEqual(PROGRESS);
    expect(campaignSeed(dir)).toBe('s1');
  });

  it('refuses empty, truncated, null and other-format files, and another seed or shard', () => {
    const { dir, file } = folder(PROGRESS);
    const text = JSON.stringify(PROGRESS);
    expectEachRefused(file, [[''], [text.slice(0, 40), /not valid JSON/], ['null', /got null/], ['{"format": "tensorsmith.progress/1"}', /another version/]], () => readProgressFile(dir));
    writeFileSync(file, text);
    expect(() => readProgress(dir, 's2', { index: 1, count: 4 })).toThrow(/has seed 's1', not 's2'/);
    expect(() => readProgress(dir, 's1', { index: 0, count: 4 })).toThrow(/is shard 1\/4/);
  });

  it('refuses a wrong type in any field, naming it', () => {
    const cases: [(string | number)[], unknown, RegExp][] = [
      [['seed'], null, /seed must be a string, got null/],
      [['shard', 'count'], 0, /shard must be an index below a positive count/],
      [['nextStep'], '5', /nextStep must be a non-negative integer/],
      [['verdicts', 'ok'], -2, /verdicts\.ok/],
      [['perBackend', 'ref'], [], /perBackend\."ref" must be an object/],
      [['bugs', 0, 'seenOn'], 'ref', /bugs\[0\]\.seenOn must be a list/],
      [['bugs', 0, 'triggers', 0], [1], /bugs\[0\]\.triggers\[0\]\[0\] must be a string/],
      [['bugs', 0, 'dir'], '../outside', /bugs\[0\]\.dir/],
      [['bugs', 0, 'status'], null, /bugs\[0\]\.status/],
      [['pending'], [null], /pending\[0\] must be a string/],
      [['internalErrors'], {}, /internalErrors must be a list/],
      [['coverage', 'ort-basic', 'MatMulAddFusion', 'tests'], -1, /coverage\."ort-basic"\."MatMulAddFusion"\.tests/],
    ];
    for (const [path, value, pattern] of cases) {
      const { dir, file } = folder(withField(PROGRESS, path, value));
      expectRefused(() => readProgressFile(dir), file, pattern);
      expectRefused(() => campaignSeed(dir), file, pattern);
    }
  });
});
