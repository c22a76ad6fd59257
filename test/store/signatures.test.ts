import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignaturesFile, SignatureDb } from '../../src/store/signatures.js';
import { tempDir } from '../helpers.js';
import { expectEachRefused, expectRefused, withField } from './refusal.js';

const DB = {
  format: 'tensorsmith.signatures/1',
  signatures: {
    abc: { class: 'crash', family: 'ort', ops: ['Relu'], pattern: 'boom', status: 'fixed', firstSeen: '2024-01-01', lastSeen: '2024-01-02', fixedAt: '2024-01-03', lastCase: 'bugs/abc', aliases: ['def'] },
  },
};

describe('signatures.json', () => {
  it('reads back what it wrote', () => {
    const file = join(tempDir('tensorsmith-store-'), 'signatures.json');
    writeFileSync(file, JSON.stringify(DB));
    const db = SignatureDb.open(file);
    expect(db.statusOf('def')).toBe('regression');
    const copy = join(tempDir('tensorsmith-store-'), 'signatures.json');
    db.save(copy);
    expect(Object.fromEntries(readSignaturesFile(copy))).toEqual(DB.signatures);
    expect(SignatureDb.open(join(tempDir('tensorsmith-store-'), 'none.json')).entries()).toEqual([]);
  });

  it('refuses damaged files and bad entries, naming the entry', () => {
    const file = join(tempDir('tensorsmith-store-'), 'signatures.json');
    const text = JSON.stringify(DB);
    expectEachRefused(file, [[''], [text.slice(0, 30), /not valid JSON/], ['null', /got null/], ['{"format": "x", "signatures": {}}', /is not a tensorsmith signature database/]], () => SignatureDb.open(file));
    const cases: [(string | number)[], unknown, RegExp][] = [
      [['signatures'], [], /signatures must be an object, got a list/],
      [['signatures', 'abc'], null, /signatures\."abc" must be an object, got null/],
      [['signatures', 'abc', 'status'], 'gone', /signatures\."abc"\.status must be one of "open", "fixed"/],
      [['signatures', 'abc', 'ops'], 'Relu', /signatures\."abc"\.ops must be a list/],
      [['signatures', 'abc', 'aliases'], [3], /signatures\."abc"\.aliases\[0\] must be a string/],
      [['signatures', 'abc', 'lastSeen'], undefined, /signatures\."abc"\.lastSeen must be a string, got nothing/],
    ];
    for (const [path, value, pattern] of cases) {
      writeFileSync(file, JSON.stringify(withField(DB, path, value)));
      expectRefused(() => SignatureDb.open(file), file, pattern);
    }
  });
});
