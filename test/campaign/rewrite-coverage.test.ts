import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { addCoverage, countRewrites, type RewriteCoverage } from '../../src/store/summary.js';
import { captureIo, tempDir } from '../helpers.js';

describe('rewrite coverage', () => {
  it("records per onnxruntime SUT which rewrites the campaign's tests made it perform, and prints them", async () => {
    const out = tempDir();
    const args = ['fuzz', '--seed', 'coverage', '--time', '120', '--max-tests', '12', '--max-nodes', '3', '--ops', 'Identity,Relu,Add', '--backends', 'ort-disabled,ort-basic', '--out', out];
    expect(await runCli(args, captureIo())).toBe(0);
    const { coverage } = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { coverage: RewriteCoverage };
    // The level that does not optimize reports nothing; the basic level removes the Identity nodes.
    expect(coverage['ort-disabled']).toEqual({});
    expect(coverage['ort-basic']!.EliminateIdentity!.tests).toBeGreaterThan(0);
    const io = captureIo();
    expect(await runCli(['coverage', out], io)).toBe(0);
    expect(io.stdout()).toMatch(/^rewrite\s+ort-basic\s+ort-disabled\n/);
    expect(io.stdout()).toMatch(/EliminateIdentity\s+\d+ \(test \d+\)\s+-/);
    const report = captureIo();
    expect(await runCli(['report', out], report)).toBe(0);
    expect(report.stdout()).toContain('## Rewrite coverage');
  }, 120_000);

  it('refuses a folder that is not a campaign, in one line', async () => {
    const io = captureIo();
    expect(await runCli(['coverage', tempDir()], io)).toBe(2);
    expect(io.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('counts a rewrite once per test, and merging adds counts and keeps the first test', () => {
    const a: RewriteCoverage = {};
    countRewrites(a, 'ort-all', ['MatMulAddFusion', 'MatMulAddFusion', 'EliminateIdentity'], 5);
    countRewrites(a, 'ort-all', ['MatMulAddFusion'], 9);
    expect(a).toEqual({ 'ort-all': { MatMulAddFusion: { tests: 2, firstTest: 5 }, EliminateIdentity: { tests: 1, firstTest: 5 } } });
    const merged: RewriteCoverage = {};
    addCoverage(merged, a);
    addCoverage(merged, { 'ort-all': { MatMulAddFusion: { tests: 1, firstTest: 2 } }, 'ort-basic': { EliminateIdentity: { tests: 4, firstTest: 0 } } });
    expect(merged).toEqual({
      'ort-all': { MatMulAddFusion: { tests: 3, firstTest: 2 }, EliminateIdentity: { tests: 1, firstTest: 5 } },
      'ort-basic': { EliminateIdentity: { tests: 4, firstTest: 0 } },
    });
  });
});
