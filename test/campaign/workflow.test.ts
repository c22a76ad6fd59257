import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

const FIXTURE = resolve('test/fixtures/faulty-ops.mjs');
const OPS = 'Tanh,Softmax,Relu,Add,Mul,Sigmoid,Transpose,Reshape,Concat,ReduceSum,MatMul,Exp,Neg,Abs';

interface Summary {
  bugs: { signature: string; verdict: string; backend: string; dir: string; occurrences: number; reduced?: { nodes: number; dir: string } }[];
  newBugs: number;
}

afterEach(() => {
  delete process.env.TENSORSMITH_FAULTS;
});

/**
 * The users' workflow end to end, on an external SUT with two planted bugs (faulty-ops: Tanh is
 * wrong on rank >= 3 inputs, Softmax aborts the SUT's process): a campaign of 10-node models finds
 * both, keeps one case per bug however many models show it, reduces each to a few nodes, and repro
 * of each reduced case exits 1 while the faults are there and 0 once they are removed.
 */
describe('campaign, reduction and repro on a faulty SUT', () => {
  it('finds a wrong result and a crash, one reduced case each, that repro confirms and clears', async () => {
    const out = tempDir();
    const io = captureIo();
    const code = await runCli(
      ['fuzz', '--seed', 'workflow', '--time', '240', '--index-limit', '40', '--max-nodes', '10', '--ops', OPS, '--backends', 'faulty-ops', '--backend-module', FIXTURE, '--reduce-ms', '30000', '--out', out],
      io,
    );
    expect(code, io.stderr()).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const kinds = summary.bugs.map((b) => b.verdict).sort();
    expect(kinds).toEqual(['crash', 'wrong-result']);
    // Many models showed each bug; reduction made them one signature each.
    expect(summary.bugs.every((b) => b.occurrences >= 1)).toBe(true);
    expect(summary.bugs.reduce((a, b) => a + b.occurrences, 0)).toBeGreaterThan(2);
    for (const bug of summary.bugs) {
      expect(bug.reduced, `${bug.verdict} was not reduced`).toBeDefined();
      expect(bug.reduced!.nodes).toBeLessThanOrEqual(3);
      const meta = JSON.parse(readFileSync(join(out, bug.reduced!.dir, 'meta.json'), 'utf8')) as { reduction: { ms: number } };
      expect(meta.reduction.ms).toBeLessThanOrEqual(30_000);
    }
    for (const bug of summary.bugs) {
      const reduced = join(out, bug.reduced!.dir);
      const repro = captureIo();
      expect(await runCli(['repro', reduced, '--backend-module', FIXTURE], repro), repro.stderr()).toBe(1);
      expect(repro.stdout()).toMatch(new RegExp(`reproduces: ${bug.verdict}`));
      process.env.TENSORSMITH_FAULTS = 'off';
      const fixed = captureIo();
      expect(await runCli(['repro', reduced, '--backend-module', FIXTURE], fixed), fixed.stderr()).toBe(0);
      delete process.env.TENSORSMITH_FAULTS;
    }
  }, 300_000);
});
