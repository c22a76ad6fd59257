import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

const FIXTURE = resolve('test/fixtures/log-wrong-adapter.mjs');
const ARGS = ['fuzz', '--seed', 'jobs', '--time', '120', '--index-limit', '60', '--max-nodes', '3', '--ops', 'Log,Exp,Add,Mul,Neg'];
// The input search ends by steps, not by time: on a loaded machine the two runs must discard the same tests.
const SUT = ['--backends', 'log-wrong', '--backend-module', FIXTURE, '--no-isolation', '--reduce-ms', '0', '--search-steps', '40', '--search-ms', '5000'];

interface Summary {
  tests: number;
  bugs: { signature: string; occurrences: number; dir: string }[];
}

describe('fuzz --jobs', () => {
  it('runs workers in parallel and merges them into the same bugs as one process', async () => {
    const one = tempDir();
    expect(await runCli([...ARGS, ...SUT, '--out', one], captureIo())).toBe(1);
    const two = tempDir();
    // The workers are real processes of the built CLI.
    const io = { ...captureIo(), self: { command: process.execPath, args: [resolve('dist/cli/main.js')] } };
    expect(await runCli([...ARGS, ...SUT, '--jobs', '2', '--out', two], io), io.stderr()).toBe(1);
    const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    const [a, b] = [read(one), read(two)];
    expect(b.tests).toBe(a.tests);
    expect(b.bugs.map((x) => [x.signature, x.occurrences]).sort()).toEqual(a.bugs.map((x) => [x.signature, x.occurrences]).sort());
    expect(readdirSync(join(two, 'bugs')).sort()).toEqual(a.bugs.map((x) => x.signature).sort());
    expect(readdirSync(join(two, 'jobs')).sort()).toEqual(['0', '1']);
  }, 120_000);
});
