import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapterModule } from '../../src/backends/external.js';
import { backendsWithModules } from '../../src/backends/registry.js';
import { UserError } from '../../src/ir/errors.js';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

const EXAMPLE = join(process.cwd(), 'examples', 'adapters', 'ort-single-thread.mjs');

describe('external adapter modules', () => {
  it('loads the example adapter and fuzzes it next to the reference', async () => {
    const out = tempDir();
    const io = captureIo();
    const code = await runCli(
      ['fuzz', '--time', '30', '--max-tests', '15', '--seed', 'ext', '--max-nodes', '4', '--backend-module', EXAMPLE, '--backends', 'ort-single-thread,ref-cpu', '--out', out],
      io,
    );
    expect(io.stderr()).not.toMatch(/internal error/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.tests).toBe(15);
    expect(summary.backends.map((b: { name: string }) => b.name)).toEqual(['ort-single-thread', 'ref-cpu']);
    expect(summary.verdicts.ok + summary.verdicts.unsupported).toBeGreaterThan(0);
    expect([0, 1]).toContain(code);
  });

  it('runs the second example, written against the public entry (import from tensorsmith), in a campaign', async () => {
    const out = tempDir();
    const io = captureIo();
    const second = join(process.cwd(), 'examples', 'adapters', 'ort-parallel.mjs');
    const code = await runCli(
      ['fuzz', '--time', '30', '--max-tests', '12', '--seed', 'ext2', '--max-nodes', '4', '--backend-module', second, '--backends', 'ort-parallel,ort-disabled', '--out', out],
      io,
    );
    expect(io.stderr()).not.toMatch(/internal error|not available/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.tests).toBe(12);
    expect(summary.backends.map((b: { name: string }) => b.name)).toEqual(['ort-parallel', 'ort-disabled']);
    expect(summary.perBackend['ort-parallel'].verdicts.ok).toBeGreaterThan(0);
    expect([0, 1]).toContain(code);
  });

  it('gives adapter authors a checked defineAdapter and typed-array conversions', async () => {
    const api = await import('../../src/public.js');
    expect(() => api.defineAdapter({ name: 'half', describe: async () => ({ name: 'half', package: 'p', version: '1' }), supports: () => true } as never)).toThrow(
      /^defineAdapter: adapter 'half' has no prepare\(\) method/,
    );
    const t = api.makeTensor('int64', [2], [3, -4]);
    expect(api.toTypedArray(t)).toEqual(BigInt64Array.from([3n, -4n]));
    expect(api.fromTypedArray('int64', [2], BigInt64Array.from([3n, -4n]))).toEqual(t);
    expect(() => api.fromTypedArray('float32', [2, 2], new Float32Array(3))).toThrow(/3 values for shape \[2, 2\] \(4 elements\)/);
    expect(() => api.fromTypedArray('bfloat16', [1], [0])).toThrow(/dtype 'bfloat16' is not one of/);
  });

  it('lists its backend with the built-ins, available', async () => {
    const io = captureIo();
    expect(await runCli(['backends', '--json', '--backend-module', EXAMPLE], io)).toBe(0);
    const list = JSON.parse(io.stdout()) as { name: string; available: boolean; version?: string }[];
    const example = list.find((b) => b.name === 'ort-single-thread');
    expect(list.map((b) => b.name).slice(0, 4)).toEqual(['ort-disabled', 'ort-basic', 'ort-extended', 'ort-all']);
    expect(list.filter((b) => ['ort-disabled', 'ort-web-wasm', 'ref-cpu', 'ort-single-thread'].includes(b.name)).every((b) => b.available)).toBe(true);
    expect(example?.version).toMatch(/^\d+\.\d+/);
  });

  it('says what is wrong with a bad module, as a user error', async () => {
    const dir = tempDir();
    const noDefault = join(dir, 'no-default.mjs');
    writeFileSync(noDefault, 'export const x = 1;\n');
    const noRun = join(dir, 'no-run.mjs');
    writeFileSync(noRun, "export default () => ({ name: 'half', describe() {}, supports() { return true; }, prepare() {} });\n");
    await expect(loadAdapterModule(join(dir, 'missing.mjs'))).rejects.toThrow(/does not exist/);
    await expect(loadAdapterModule(noDefault)).rejects.toThrow(/must default-export a factory/);
    await expect(loadAdapterModule(noRun)).rejects.toThrow(/adapter 'half' has no run\(\) method/);
    await expect(loadAdapterModule(noRun)).rejects.toBeInstanceOf(UserError);
    const clash = join(dir, 'clash.mjs');
    writeFileSync(clash, "export default () => ({ name: 'ref-cpu', describe() {}, supports() { return true; }, prepare() {}, run() {} });\n");
    await expect(backendsWithModules([clash])).rejects.toThrow(/'ref-cpu' already exists/);
    const io = captureIo();
    expect(await runCli(['run', EXAMPLE, '--backend-module', noDefault], io)).toBe(2);
    expect(io.stderr().trim().split('\n')).toHaveLength(1);
  });
});

describe('the config file', () => {
  it('loads adapter modules and flag values; the command line wins', async () => {
    const dir = tempDir();
    const config = join(dir, 'tensorsmith.config.json');
    writeFileSync(
      config,
      JSON.stringify({ backendModule: [EXAMPLE], fuzz: { backends: ['ort-single-thread', 'ref-cpu'], maxTests: 5, time: 30, maxNodes: 3 } }),
    );
    const out = join(dir, 'R');
    const io = captureIo();
    const code = await runCli(['--config', config, 'fuzz', '--seed', 'cfg', '--max-tests', '4', '--out', out], io);
    expect([0, 1]).toContain(code);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.backends.map((b: { name: string }) => b.name)).toEqual(['ort-single-thread', 'ref-cpu']);
    expect(summary.tests).toBe(4);
    expect(summary.config.generator.maxNodes).toBe(3);
  });

  it('rejects an unknown option in a command section and a missing file', async () => {
    const dir = tempDir();
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ fuzz: { frobnicate: 1 } }));
    const io = captureIo();
    expect(await runCli(['--config', config, 'fuzz', '--max-tests', '1'], io)).toBe(2);
    expect(io.stderr()).toMatch(/'fuzz' has no option 'frobnicate'/);
    const missing = captureIo();
    expect(await runCli(['--config', join(dir, 'nope.json'), 'ops'], missing)).toBe(2);
    expect(missing.stderr()).toMatch(/does not exist/);
  });
});
