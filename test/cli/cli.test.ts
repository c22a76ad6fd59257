import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

describe('the CLI', () => {
  it('exits 2 with one line and no stack trace for a missing path (in a real process)', () => {
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'run', 'does-not-exist'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does-not-exist' does not exist/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('exits 2 for an unknown flag, an unknown backend and a bad number', async () => {
    for (const argv of [
      ['fuzz', '--frobnicate'],
      ['fuzz', '--backends', 'nope', '--time', '1'],
      ['gen', '--max-nodes', 'ten', '--out', tempDir()],
      ['gen', '--search-ms', '-5', '--out', tempDir()],
    ]) {
      const io = captureIo();
      expect(await runCli(argv, io)).toBe(2);
      expect(io.stderr()).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses a --timeout past what a Node timer can wait, instead of wrapping it to 1 ms', async () => {
    for (const argv of [
      ['fuzz', '--timeout', '3000000', '--time', '1', '--backends', 'ref-cpu', '--out', tempDir()],
      ['repro', '--seed', '1', '--index', '0', '--max-nodes', '2', '--backends', 'ref-cpu', '--timeout', '1e9', '--out', tempDir()],
    ]) {
      const io = captureIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr()).toMatch(/^tensorsmith: --timeout must be at most 2147483 seconds \(Node's timer limit\), got '(3000000|1e9)'\n$/);
    }
  });

  it('refuses a SUT that does not work here before the campaign starts (exit 2, one line, the reason)', async () => {
    const out = tempDir();
    const io = captureIo();
    // tfjs-node's install downloads libtensorflow, which this machine cannot: it is not installed.
    expect(await runCli(['fuzz', '--backends', 'ort-disabled,tfjs-node', '--time', '5', '--out', out], io)).toBe(2);
    expect(io.stderr()).toMatch(/not available here: tfjs-node \(.*tfjs-node is not installed here.*\)\. Drop it from --backends/);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  }, 60_000);

  it('exits 2 for a corrupt model.json, naming the problem', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.json'), '{"format": "tensorsmith.model/1", "opset": 17, "inputs": [], "weights": [], "nodes": [{"op": "Relu"}], "outputs": []}');
    const io = captureIo();
    expect(await runCli(['run', join(dir, 'model.json')], io)).toBe(2);
    expect(io.stderr()).toMatch(/node '#0'/);
  });

  it('gen writes a model that run judges ok on onnxruntime (exit 0)', async () => {
    const dir = tempDir();
    const io = captureIo();
    expect(await runCli(['gen', '--seed', '3', '--max-nodes', '5', '--ops', 'Relu,Add,MatMul,Transpose', '--out', dir], io)).toBe(0);
    for (const f of ['model.json', 'model.onnx', 'inputs.json']) expect(existsSync(join(dir, f))).toBe(true);
    const run = captureIo();
    const code = await runCli(['run', join(dir, 'model.onnx'), '--backends', 'ort-disabled,ref-cpu'], run);
    expect(run.stdout()).toMatch(/ort-disabled\s+ok/);
    expect(run.stdout()).toMatch(/ref-cpu\s+ok/);
    expect(code).toBe(0);
  });

  it('gen searches inputs by default and draws them once with --no-input-search', async () => {
    // Acosh(Log(x)) needs x >= e everywhere: random inputs in [-2, 2] never get there.
    // The search ends by steps (its time budget only a cap), so a loaded machine finds the same inputs.
    const args = ['gen', '--seed', '6', '--max-nodes', '2', '--ops', 'Log,Acosh', '--search-steps', '200', '--search-ms', '10000'];
    const searched = tempDir();
    const io = captureIo();
    expect(await runCli([...args, '--out', searched], io)).toBe(0);
    expect(io.stdout()).not.toMatch(/note:/);
    const plain = tempDir();
    const io2 = captureIo();
    expect(await runCli([...args, '--no-input-search', '--out', plain], io2)).toBe(0);
    expect(io2.stdout()).toMatch(/note: the reference gets an input outside the op's domain/);
    // The same generated graph either way; only the values differ.
    const nodesOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).nodes;
    expect(nodesOf(searched)).toEqual(nodesOf(plain));
    expect(readFileSync(join(searched, 'inputs.json'), 'utf8')).not.toBe(readFileSync(join(plain, 'inputs.json'), 'utf8'));
  });

  it('fuzz runs a short campaign and writes summary.json', async () => {
    const dir = tempDir();
    const io = captureIo();
    const code = await runCli(['fuzz', '--time', '120', '--max-tests', '12', '--backends', 'ref-cpu', '--seed', '5', '--max-nodes', '4', '--out', dir], io);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.tests).toBe(12);
    expect(summary.verdicts.ok).toBe(summary.tests);
    expect(summary.bugs).toEqual([]);
  });

  it('conformance --json prints the counts', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'test_nothing'));
    const io = captureIo();
    // A folder without model.onnx files is a usage error.
    expect(await runCli(['conformance', dir, '--json'], io)).toBe(2);
    expect(io.stderr()).toMatch(/no ONNX node tests/);
  });

  it('gen --stats prints histograms and failures, and --json the same as data', async () => {
    const io = captureIo();
    expect(await runCli(['gen', '--stats', '6', '--max-nodes', '5', '--seed', 's'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^6 models/);
    expect(io.stdout()).toMatch(/models with a merge: \d+/);
    expect(io.stdout()).toMatch(/invalid models: 0; reference errors: 0/);
    const json = captureIo();
    expect(await runCli(['gen', '--stats', '6', '--max-nodes', '5', '--seed', 's', '--json', '--method', 'random'], json)).toBe(0);
    const stats = JSON.parse(json.stdout());
    expect(stats.models).toBe(6);
    expect(Object.values(stats.opHistogram as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(30);
    expect(stats.solverChecksPerModel).toBe(0);
    expect(await runCli(['gen', '--stats', '2', '--method', 'magic'], captureIo())).toBe(2);
  });

  it('--help exits 0', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/fuzz/);
  });
});
