import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLANTED_BUGS } from '../fixtures/buggy-compiler.mjs';
import { tempDir } from '../helpers.js';
import { bugLabels, fuzzFixture } from '../support/fixture-campaign.js';

const FIXTURE = resolve('test/fixtures/buggy-compiler.mjs');
const CLI = resolve('dist/cli/main.js');

/**
 * The small version of bench/buggy.mjs: a fixed range of tests against the buggy-compiler fixture,
 * through the built CLI as a user runs it (its isolation workers are plain JavaScript, so their
 * many restarts stay cheap). Every planted bug is listed exactly once, under its class and the op
 * set of its trigger, reduced to it; the op the SUT says it does not implement is no bug; each bug
 * was printed once as it was found; and a state bug's case replays (its setup test first).
 */
describe('a campaign against a buggy compiler', () => {
  it('lists each planted bug once, reduced to its trigger, and nothing else', () => {
    const out = tempDir();
    // The range is where this seed's tests have shown every planted bug (the last, the compile error,
    // at test 103). The generator's stream decides it: rewrite patterns over these ops (add-zero,
    // quick-gelu...) and the favoured high ranks move which test first shows a bug; the Mul-feeding-Add
    // bug, for one, hides where the addend is add-zero's exact 0 (added twice, still 0).
    const { run, summary } = fuzzFixture({
      fixture: FIXTURE,
      sut: 'buggy-compiler',
      out,
      flags: ['--seed', 'small7', '--index-limit', '120', '--max-nodes', '6', '--ops', 'Relu,Neg,Abs,Exp,Sqrt,Tanh,Sigmoid,Sin,Add,Mul,Transpose,ReduceMean,Softmax', '--dtypes', 'float32,int32'],
    });
    expect(run.status, run.stderr).toBe(1);
    expect(bugLabels(summary.bugs)).toEqual(bugLabels(PLANTED_BUGS));
    for (const bug of summary.bugs) {
      expect(bug.reduced, `${bug.class} was not reduced`).toBeDefined();
      if (bug.class !== 'state') expect(bug.reduced!.nodes).toBe(bug.ops.length);
      expect(bug.seenOn).toEqual(['buggy-compiler']);
    }
    expect(Object.keys(summary.perBackend['buggy-compiler']!.unsupported).some((r) => r.includes('Neg(int32)'))).toBe(true);
    expect(summary.perBackend['buggy-compiler']!.skippedKnown).toBeGreaterThan(0);
    expect(summary.unconfirmed).toBe(0);
    expect(summary.internalErrors).toEqual([]);
    // One line per bug as it was listed, with the command that replays it.
    const live = run.stdout.split('\n').filter((l) => l.startsWith('new bug: '));
    expect(live).toHaveLength(PLANTED_BUGS.length);
    for (const line of live) expect(line).toMatch(/replay: tensorsmith repro \S+/);

    // The state bug's case holds the test that breaks the SUT, and replays with it first.
    const state = summary.bugs.find((b) => b.class === 'state')!;
    expect(existsSync(join(out, state.reduced!.dir, 'setup', 'model.json'))).toBe(true);
    const repro = spawnSync(process.execPath, [CLI, 'repro', join(out, state.reduced!.dir), '--backend-module', FIXTURE], { encoding: 'utf8' });
    expect(repro.status, repro.stdout + repro.stderr).toBe(1);
    expect(repro.stdout).toMatch(/reproduces: wrong-result on buggy-compiler/);
  }, 300_000);
});
