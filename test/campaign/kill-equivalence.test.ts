import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generator/rng.js';
import { tempDir } from '../helpers.js';

const FIXTURE = resolve('test/fixtures/buggy-compiler.mjs');
const KILLS = Number(process.env.KILL_EQUIVALENCE_KILLS ?? 10);

/**
 * A campaign whose outcome depends on nothing but its flags: the buggy compiler's crash, compile
 * error, runtime error and wrong-value bugs (not the hang, whose tests cost seconds each, nor the
 * state bug, which lives in a worker's history that a kill takes away), the input search ended by
 * steps and reduction by candidates, never by the clock. 400 test indices: with 120 a clean clone's
 * campaign ended after 9 of the 10 kills (the seeded kill moments are fixed, the machine's pace is
 * not); with 400 it took 14 kills to end.
 */
const CAMPAIGN = [
  'fuzz', '--seed', 'kills', '--time', '600', '--index-limit', '400', '--max-nodes', '5',
  '--ops', 'Relu,Exp,Log,Sqrt,Tanh,Sigmoid,Add,Sub,Mul,MatMul,Transpose,Reshape,ReduceSum,ReduceMean,Softmax',
  '--search-steps', '30', '--search-ms', '5000', '--timeout', '5',
  '--backends', 'buggy-compiler', '--reduce-steps', '40', '--reduce-ms', '600000', '--reduce-share', '100',
];

/** What must not depend on kills: counts, verdicts, the bugs with their occurrences and reductions, the signature database. */
function outcome(dir: string) {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
    tests: number;
    discarded: number;
    verdicts: Record<string, number>;
    bugs: { signature: string; occurrences: number; status: string; dir: string; reduced?: { nodes: number } }[];
  };
  const db = JSON.parse(readFileSync(join(dir, 'signatures.json'), 'utf8')) as { signatures: Record<string, unknown> };
  return {
    tests: s.tests,
    discarded: s.discarded,
    verdicts: s.verdicts,
    bugs: s.bugs.map((b) => ({ signature: b.signature, occurrences: b.occurrences, status: b.status, dir: b.dir, reducedNodes: b.reduced?.nodes })).sort((a, b) => a.signature.localeCompare(b.signature)),
    signatures: Object.keys(db.signatures).sort(),
  };
}

/**
 * Runs the CLI; with killAfterMs, sends SIGKILL that long after the campaign folder holds
 * campaign.json (before it, there is no campaign to resume). Resolves with the exit code, or
 * 'killed'; rejects on an exit other than 0 or 1.
 */
function run(args: readonly string[], out: string, killAfterMs?: number): Promise<number | 'killed'> {
  const child = spawn(process.execPath, ['dist/cli/main.js', ...args, '--out', out, '--backend-module', FIXTURE], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (existsSync(join(out, 'campaign.json'))) {
      timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, killAfterMs);
    } else timer = setTimeout(arm, 20);
  };
  if (killAfterMs !== undefined) arm();
  return new Promise((done, fail) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (killed) done('killed');
      else if (code === 0 || code === 1) done(code);
      else fail(new Error(`tensorsmith ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    }),
  );
}

describe('kill -9 at random moments, each followed by --resume', () => {
  it(`gives the same summary and signature database as the campaign run without kills (${KILLS} kills)`, async () => {
    const whole = tempDir();
    expect([0, 1]).toContain(await run(CAMPAIGN, whole));

    const out = tempDir();
    // Moments drawn from a seeded generator, from the start-up (workers starting, calibration) on,
    // spread over generation, input search, SUT runs, confirmation, reduction and the writes between them.
    const rng = new Rng(process.env.KILL_EQUIVALENCE_SEED ?? 'kill-moments');
    let kills = 0;
    let exit = await run(CAMPAIGN, out, rng.int(0, 2000));
    while (exit === 'killed') {
      kills++;
      if (kills === KILLS) break;
      exit = await run(['fuzz', '--resume'], out, rng.int(0, 2000));
    }
    expect(kills, 'the campaign ended before it was killed often enough: lengthen it').toBe(KILLS);
    expect([0, 1]).toContain(await run(['fuzz', '--resume'], out));
    const expected = outcome(whole);
    expect(outcome(out)).toEqual(expected);
    expect(expected.bugs.length).toBeGreaterThanOrEqual(4);
  }, 300_000);
});
