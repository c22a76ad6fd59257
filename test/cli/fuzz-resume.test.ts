import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

const FIXTURE = resolve('test/fixtures/log-wrong-adapter.mjs');
/** A short campaign with flags away from their defaults, so that restoring them shows. */
const FIRST = ['fuzz', '--seed', 'restore', '--index-limit', '8', '--max-nodes', '3', '--ops', 'Log,Exp,Add', '--search-steps', '20', '--search-ms', '5000'];
const SUT = ['--backends', 'log-wrong', '--backend-module', FIXTURE, '--no-isolation', '--reduce-steps', '30'];

/** Every file under a folder with its bytes and modification time: what a refused resume must leave alone. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[path] = `${statSync(path).mtimeMs} ${readFileSync(path, 'base64')}`;
    }
  };
  walk(dir);
  return files;
}

interface Summary {
  tests: number;
  discarded: number;
  config: { generator: { maxNodes: number; ops?: string[] }; backends: string[]; inputs: unknown; reduction?: { budget: { checks: number } } };
}
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

async function firstHalf(): Promise<string> {
  const out = tempDir();
  // Stops after 4 of the 8 tests, as a kill would, but with everything written.
  const io = captureIo();
  const code = await runCli([...FIRST, ...SUT, '--max-tests', '2', '--out', out], io);
  expect([0, 1], io.stderr()).toContain(code);
  return out;
}

describe('fuzz --resume', () => {
  it('restores every recorded flag the command line leaves out, and runs the same tests', async () => {
    const whole = tempDir();
    expect([0, 1]).toContain(await runCli([...FIRST, ...SUT, '--out', whole], captureIo()));
    const out = await firstHalf();
    const io = captureIo();
    // Only the folder and the adapter module: seed, ops, node count, search and reduction come from campaign.json.
    const code = await runCli(['fuzz', '--out', out, '--resume', '--backend-module', FIXTURE, '--max-tests', '100'], io);
    expect([0, 1], io.stderr()).toContain(code);
    const resumed = summaryOf(out);
    expect(resumed.config).toEqual(summaryOf(whole).config);
    expect(resumed.config.generator.maxNodes).toBe(3);
    expect(resumed.config.backends).toEqual(['log-wrong']);
    expect(resumed.tests + resumed.discarded).toBe(8);
    expect({ tests: resumed.tests, discarded: resumed.discarded }).toEqual({ tests: summaryOf(whole).tests, discarded: summaryOf(whole).discarded });
  }, 120_000);

  it('refuses a flag that contradicts the record, in one line, and changes nothing', async () => {
    const out = await firstHalf();
    const before = snapshot(out);
    for (const [flags, message] of [
      [['--max-nodes', '5'], /was run with --max-nodes 3, not with --max-nodes 5; drop --max-nodes/],
      [['--seed', 'other'], /was run with --seed restore, not with --seed other/],
      [['--ops', 'Log,Exp'], /was run with --ops Log,Exp,Add, not with --ops Log,Exp/],
      [['--dtypes', 'float32,int32'], /was run without --dtypes|was run with --dtypes all, not with --dtypes float32,int32/],
      [['--no-input-search'], /was run without --no-input-search, not with --no-input-search/],
      [['--backends', 'ref-cpu'], /was run with --backends log-wrong, not with --backends ref-cpu/],
    ] as const) {
      const io = captureIo();
      expect(await runCli(['fuzz', '--out', out, '--resume', '--backend-module', FIXTURE, ...flags], io), io.stderr()).toBe(2);
      expect(io.stderr()).toMatch(message);
      expect(io.stderr().trim().split('\n')).toHaveLength(1);
    }
    expect(snapshot(out)).toEqual(before);
  }, 120_000);

  it('refuses a contradiction that comes from the config file too', async () => {
    const out = await firstHalf();
    const config = join(tempDir(), 'tensorsmith.config.json');
    writeFileSync(config, JSON.stringify({ fuzz: { maxNodes: 7 } }));
    const io = captureIo();
    expect(await runCli(['--config', config, 'fuzz', '--out', out, '--resume', '--backend-module', FIXTURE], io)).toBe(2);
    expect(io.stderr()).toMatch(/was run with --max-nodes 3, not with --max-nodes 7/);
  }, 120_000);

  it('loads no adapter module the folder names: the user must give it', async () => {
    const out = await firstHalf();
    const before = snapshot(out);
    const io = captureIo();
    expect(await runCli(['fuzz', '--out', out, '--resume'], io)).toBe(2);
    expect(io.stderr()).toContain(`add --backend-module ${FIXTURE} to resume it`);
    expect(io.stderr().trim().split('\n')).toHaveLength(1);
    expect(snapshot(out)).toEqual(before);
  }, 120_000);

  it('lets a resume change the budgets (--time, --max-tests)', async () => {
    const out = await firstHalf();
    const io = captureIo();
    expect([0, 1]).toContain(await runCli(['fuzz', '--out', out, '--resume', '--backend-module', FIXTURE, '--time', '90', '--max-tests', '3'], io));
    expect(summaryOf(out).tests).toBe(3);
  }, 120_000);

  it('refuses a folder without campaign.json, or with a damaged one', async () => {
    const out = await firstHalf();
    const file = join(out, 'campaign.json');
    writeFileSync(file, '{"format": "tensorsmith.campaign-flags/1", "flags": {"maxNodes": null}}');
    let io = captureIo();
    expect(await runCli(['fuzz', '--out', out, '--resume', '--backend-module', FIXTURE], io)).toBe(2);
    expect(io.stderr()).toMatch(/campaign\.json is corrupt \(flag "maxNodes" is null/);
    rmSync(file);
    io = captureIo();
    expect(await runCli(['fuzz', '--out', out, '--resume', '--backend-module', FIXTURE], io)).toBe(2);
    expect(io.stderr()).toMatch(/has no campaign\.json/);
  }, 120_000);
});
