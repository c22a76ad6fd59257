import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSummary, withBugDirs, writeSummary, type CampaignSummary } from '../../src/store/summary.js';
import { tempDir } from '../helpers.js';
import { expectEachRefused, expectRefused, withField } from './refusal.js';
import { bugValue, summaryValue } from './summary-fixture.js';

function campaign(value: unknown): { dir: string; file: string } {
  const dir = tempDir('tensorsmith-store-');
  const file = join(dir, 'summary.json');
  writeFileSync(file, JSON.stringify(value));
  return { dir, file };
}

const FULL = summaryValue({
  verdicts: { ok: 7, 'wrong-result': 0, 'nan-mismatch': 0, crash: 3, hang: 0, 'compile-error': 0, 'runtime-error': 0, unsupported: 0 },
  perBackend: { 'ort-all': { verdicts: { ok: 7, 'wrong-result': 0, 'nan-mismatch': 0, crash: 3, hang: 0, 'compile-error': 0, 'runtime-error': 0, unsupported: 0 }, unsupported: { 'does not implement Relu(int64)': 2 }, skippedKnown: 1, restarts: 2 } },
  discardReasons: { 'nan-or-inf at Exp': 4 },
  bugs: [bugValue('abc123', { message: 'boom', reduced: { nodes: 1, dir: 'bugs/abc123/reduced' }, setup: { ops: ['Add'], testIndex: 1 } })],
  newBugs: 1,
  unconfirmed: 1,
  unconfirmedFindings: [{ backend: 'ort-all', testIndex: 4, verdict: 'crash', message: 'gone', untraced: true }],
  reduction: { ms: 120, share: 0.25, unreduced: 0 },
  internalErrors: [{ where: 'reference', testIndex: 2, message: 'oops' }],
  config: { backends: ['ort-all'] },
}) as unknown as CampaignSummary;

describe('summary.json', () => {
  it('reads a summary written before rewrite coverage existed as one with none', () => {
    const { dir } = campaign({ ...summaryValue(), coverage: undefined });
    expect(readSummary(dir).coverage).toEqual({});
  });

  it('reads back what it wrote, leaving no temporary file', () => {
    const dir = tempDir('tensorsmith-store-');
    writeSummary(dir, FULL);
    expect(readSummary(dir)).toEqual(FULL);
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });

  it('names a missing folder, a folder without summary.json, and a summary.json that is a folder', () => {
    const dir = tempDir('tensorsmith-store-');
    expectRefused(() => readSummary(join(dir, 'nope')), join(dir, 'nope'), /does not exist/);
    expectRefused(() => readSummary(dir), dir, /has no summary\.json/);
    mkdirSync(join(dir, 'summary.json'));
    expectRefused(() => readSummary(dir), join(dir, 'summary.json'), /is a folder/);
  });

  it('refuses empty, truncated, null and non-object files', () => {
    const { dir, file } = campaign(FULL);
    const text = JSON.stringify(FULL);
    expectEachRefused(file, [[''], [text.slice(0, text.length / 2), /not valid JSON/], ['null', /got null/], ['[]', /got a list/], ['"summary"']], () => readSummary(dir));
  });

  it('refuses a wrong type in any field, naming it', () => {
    const cases: [(string | number)[], unknown, RegExp][] = [
      [['format'], 'tensorsmith.summary/0', /is not a tensorsmith campaign summary/],
      [['seed'], 7, /seed must be a string, got number 7/],
      [['tests'], 'many', /tests must be a non-negative integer/],
      [['tests'], -1, /tests must be a non-negative integer/],
      [['testsPerSec'], null, /testsPerSec must be a number, got null/],
      [['backends', 0], null, /backends\[0\] must be an object/],
      [['backends', 0, 'version'], 1, /backends\[0\]\.version must be a string/],
      [['verdicts', 'weird'], 1, /verdicts key must be one of/],
      [['verdicts', 'ok'], '7', /verdicts\.ok must be a non-negative integer/],
      [['perBackend', 'ort-all', 'restarts'], undefined, /perBackend\."ort-all"\.restarts must be a non-negative integer, got nothing/],
      [['discardReasons', 'x'], true, /discardReasons\."x" must be a non-negative integer/],
      [['bugs'], {}, /bugs must be a list/],
      [['bugs', 0], null, /bugs\[0\] must be an object, got null/],
      [['bugs', 0, 'verdict'], 'bad', /bugs\[0\]\.verdict must be one of/],
      [['bugs', 0, 'seenOn'], [null], /bugs\[0\]\.seenOn\[0\] must be a string/],
      [['bugs', 0, 'triggers'], ['Relu'], /bugs\[0\]\.triggers\[0\] must be a list/],
      [['bugs', 0, 'status'], 'fixed', /bugs\[0\]\.status must be one of "new", "known", "regression"/],
      [['bugs', 0, 'firstSeen', 'testIndex'], 1.5, /bugs\[0\]\.firstSeen\.testIndex/],
      [['bugs', 0, 'reduced', 'nodes'], 'one', /bugs\[0\]\.reduced\.nodes/],
      [['unconfirmedFindings', 0, 'untraced'], 'yes', /unconfirmedFindings\[0\]\.untraced must be true or false/],
      [['reduction'], undefined, /reduction must be an object, got nothing/],
      [['internalErrors', 0, 'message'], 3, /internalErrors\[0\]\.message must be a string/],
      [['coverage', 'ort-all', 'EliminateIdentity', 'firstTest'], 'x', /coverage\."ort-all"\."EliminateIdentity"\.firstTest/],
      [['config'], [], /config must be an object, got a list/],
    ];
    for (const [path, value, pattern] of cases) {
      const { dir, file } = campaign(withField(FULL, path, value));
      expectRefused(() => readSummary(dir), file, pattern);
    }
  });

  it('refuses case folder paths that leave the campaign folder, and merge needs each bug to name one', () => {
    for (const bad of ['../outside', '/etc', '', 'bugs/../..']) {
      for (const path of [['bugs', 0, 'dir'], ['bugs', 0, 'reduced', 'dir']]) {
        const { dir, file } = campaign(withField(FULL, path, bad));
        expectRefused(() => readSummary(dir), file, /is not a folder inside/);
      }
    }
    const { dir, file } = campaign(withField(FULL, ['bugs', 0, 'dir'], undefined));
    const summary = readSummary(dir);
    expect(summary.bugs[0]!.dir).toBeUndefined();
    expectRefused(() => withBugDirs(summary, file), file, /bugs\[0\]\.dir must be a string, got nothing/);
    expect(existsSync(join(dir, 'bugs'))).toBe(false);
  });
});
