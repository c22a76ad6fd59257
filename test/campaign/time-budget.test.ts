import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

const FIXTURE = resolve('test/fixtures/buggy-compiler.mjs');

describe('--time', () => {
  it('bounds the test in flight: a hang confirmed at a 60 s --timeout is cut at the budget, and is no verdict', async () => {
    const out = tempDir();
    const io = captureIo();
    const t0 = Date.now();
    // buggy-compiler's Sin hangs: found at the adaptive timeout (1 s), then confirmed alone at the
    // full one, 60 s, which the 3 s budget cuts.
    const code = await runCli(
      ['fuzz', '--seed', 'deadline', '--time', '3', '--timeout', '60', '--max-nodes', '2', '--ops', 'Sin,Relu', '--backends', 'buggy-compiler', '--backend-module', FIXTURE, '--out', out],
      io,
    );
    const wallSec = (Date.now() - t0) / 1000;
    expect(code, io.stderr()).toBe(0);
    // Start-up (worker, calibration) and shut-down come on top of the budget; the cut confirmation would add 60 s.
    expect(wallSec).toBeLessThan(3 + 10);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { tests: number; verdicts: Record<string, number>; bugs: unknown[] };
    expect(summary.bugs).toEqual([]);
    expect(summary.verdicts.hang).toBe(0);
  }, 60_000);
});
