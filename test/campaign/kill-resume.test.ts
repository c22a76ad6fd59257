import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseFolder } from '../../src/store/case-folder.js';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

const FIXTURE = resolve('test/fixtures/log-wrong-adapter.mjs');

/** A campaign whose SUT gets many distinct wrong results (its Log is off by 0.5). */
function campaignArgs(): string[] {
  return ['fuzz', '--seed', 'kill', '--time', '120', '--index-limit', '400', '--max-nodes', '4', '--ops', 'Log,Exp,Add,Mul,Neg,Abs,Sqrt'];
}

function sutArgs(): string[] {
  return ['--backends', 'log-wrong', '--backend-module', FIXTURE, '--no-isolation', '--reduce-ms', '0', '--search-ms', '200'];
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the campaign');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kill -9 and --resume', () => {
  it('loses and corrupts no case, and the resumed summary agrees with the case folders', async () => {
    const out = tempDir();
    const child = spawn(process.execPath, ['dist/cli/main.js', ...campaignArgs(), ...sutArgs(), '--out', out], { stdio: 'ignore' });
    const bugs = () => (existsSync(join(out, 'bugs')) ? readdirSync(join(out, 'bugs')).filter((n) => !n.includes('.tmp-')) : []);
    await waitFor(() => bugs().length >= 3, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const beforeResume = bugs();

    const io = captureIo();
    const code = await runCli([...campaignArgs(), ...sutArgs(), '--out', out, '--resume'], io);
    expect(code, io.stderr()).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { bugs: { signature: string; dir: string }[]; tests: number };
    const folders = bugs();
    for (const name of beforeResume) expect(folders).toContain(name);
    expect(summary.bugs.map((b) => b.signature).sort()).toEqual(folders.sort());
    for (const b of summary.bugs) {
      for (const f of ['model.json', 'model.onnx', 'inputs.json', 'expected.json', 'actual.json', 'meta.json']) expect(existsSync(join(out, b.dir, f))).toBe(true);
      expect(readCaseFolder(join(out, b.dir)).meta!.signature.hash).toBe(b.signature);
    }
    const progress = JSON.parse(readFileSync(join(out, 'progress.json'), 'utf8')) as { nextStep: number };
    expect(progress.nextStep).toBe(400);
  }, 180_000);

  it('writes summary.json from the start, so a campaign killed before its first bug can be read', async () => {
    const out = tempDir();
    // Relu and Add only: log-wrong gets them right, so no bug comes before the kill.
    const args = ['fuzz', '--seed', 'early', '--time', '120', '--max-nodes', '3', '--ops', 'Relu,Add', ...sutArgs(), '--out', out];
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { stdio: 'ignore' });
    await waitFor(() => existsSync(join(out, 'progress.json')), 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { format: string; bugs: unknown[] };
    expect(summary.format).toBe('tensorsmith.summary/1');
    expect(summary.bugs).toEqual([]);
  }, 90_000);

  it('resumes after the last finished test: a kill between tests runs and counts none twice', async () => {
    const base = ['fuzz', '--seed', 'count', '--time', '120', '--index-limit', '60', '--max-nodes', '3', '--ops', 'Relu,Add,Neg,Abs', ...sutArgs()];
    const whole = tempDir();
    expect(await runCli([...base, '--out', whole], captureIo())).toBe(0);
    const split = tempDir();
    const child = spawn(process.execPath, ['dist/cli/main.js', ...base, '--out', split], { stdio: 'ignore' });
    const step = () => {
      try {
        return (JSON.parse(readFileSync(join(split, 'progress.json'), 'utf8')) as { nextStep: number }).nextStep;
      } catch {
        return 0;
      }
    };
    await waitFor(() => step() >= 10, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(await runCli([...base, '--out', split, '--resume'], captureIo())).toBe(0);
    const counts = (dir: string) => {
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { tests: number; discarded: number; verdicts: Record<string, number> };
      return { tests: s.tests, discarded: s.discarded, verdicts: s.verdicts };
    };
    expect(counts(whole).tests + counts(whole).discarded).toBe(60);
    expect(counts(split)).toEqual(counts(whole));
  }, 120_000);
});

describe('a kill between writing a reduced case and deleting the unreduced one', () => {
  it('resumes with the bug listed once and every case folder in signatures.json', async () => {
    const args = [...campaignArgs().map((a) => (a === '400' ? '40' : a)), '--backends', 'log-wrong', '--backend-module', FIXTURE, '--no-isolation', '--search-ms', '200'];
    const out = tempDir();
    expect(await runCli([...args, '--out', out], captureIo())).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { bugs: { signature: string; dir: string; reduced?: unknown }[] };
    const reducedBug = summary.bugs.find((b) => b.reduced)!;
    expect(reducedBug).toBeDefined();
    // The state a kill leaves: the unreduced case (the same original test, its own signature, no
    // reduced/) still beside the reduced one, waiting for reduction, and not in the database yet.
    const stale = join(out, 'bugs', '0123456789abcdef');
    mkdirSync(stale);
    for (const f of ['model.json', 'model.onnx', 'inputs.json', 'expected.json', 'actual.json']) cpSync(join(out, reducedBug.dir, f), join(stale, f));
    const meta = JSON.parse(readFileSync(join(out, reducedBug.dir, 'meta.json'), 'utf8')) as { signature: { hash: string } };
    writeFileSync(join(stale, 'meta.json'), JSON.stringify({ ...meta, signature: { ...meta.signature, hash: '0123456789abcdef' } }));
    const progressFile = join(out, 'progress.json');
    const progress = JSON.parse(readFileSync(progressFile, 'utf8')) as { pending: string[] };
    writeFileSync(progressFile, JSON.stringify({ ...progress, pending: ['0123456789abcdef'] }));
    const dbFile = join(out, 'signatures.json');
    const db = JSON.parse(readFileSync(dbFile, 'utf8')) as { signatures: Record<string, unknown> };
    delete db.signatures[reducedBug.signature];
    writeFileSync(dbFile, JSON.stringify(db));

    await runCli([...args, '--out', out, '--resume'], captureIo());
    const resumed = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { bugs: { signature: string }[] };
    expect(existsSync(stale)).toBe(false);
    expect(resumed.bugs.map((b) => b.signature).sort()).toEqual(summary.bugs.map((b) => b.signature).sort());
    const known = Object.keys((JSON.parse(readFileSync(dbFile, 'utf8')) as { signatures: Record<string, unknown> }).signatures);
    for (const b of resumed.bugs) expect(known).toContain(b.signature);
  }, 120_000);
});
