import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { backendStatus, SMOKE_EXPECTED, SMOKE_INPUTS, SMOKE_MODEL } from '../../src/backends/availability.js';
import { browserSut, type BrowserSutSpec } from '../../src/backends/browser/browser-sut.js';
import { findChromium } from '../../src/backends/browser/chromium.js';
import type { IsolatedAdapter, WorkerPrepared } from '../../src/backends/isolation/isolated-adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { browserSkipReason } from '../support/browser-availability.js';

const skip = browserSkipReason();
if (skip) console.log(`browser SUT isolation tests skipped: ${skip}`);

const registry = builtinRegistry();
const smoke = { model: SMOKE_MODEL, onnx: modelToOnnx(SMOKE_MODEL, registry) };
const open: IsolatedAdapter[] = [];
afterAll(() => open.forEach((a) => a.close()));

/** A one-node float32 model of `op` on a [4] input. */
function unary(op: string): Model {
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape: [4] }],
    weights: [],
    nodes: [{ name: 'n0', op, inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: [4] }], attrs: {} }],
    outputs: ['y'],
  };
}

/** Processes descended from this one whose command line says they are Chromium renderers. */
function rendererPids(): number[] {
  const parent = new Map<number, number>();
  const renderer = new Set<number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=renderer')) renderer.add(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...renderer].filter(descends);
}

describe.skipIf(skip !== undefined)('browser SUTs', () => {
  it('backends lists the three browser SUTs as available, with the browser and the WebGPU adapter', async () => {
    const backends = builtinBackends();
    for (const name of ['chrome-ort-webgpu', 'chrome-ort-wasm', 'chrome-tfjs-webgpu']) {
      const sut = backends.createIsolated(name, { timeoutMs: 60_000, memoryLimitMb: 8192 });
      open.push(sut);
      const status = await backendStatus(sut);
      sut.close();
      expect(status, name).toMatchObject({ name, available: true });
      expect(status.device, name).toMatch(/^Chrome \d+/);
      if (name.includes('webgpu')) expect(status.device, name).toMatch(/WebGPU \S+/);
    }
  }, 120_000);

  it("kills chrome-ort-wasm's renderer in the middle of a run: the verdict is crash, and the next test runs in a fresh page", async () => {
    const sut = builtinBackends().createIsolated('chrome-ort-wasm', { timeoutMs: 60_000, memoryLimitMb: 8192 });
    open.push(sut);
    // Two good tests first: the page has served four requests.
    for (let i = 0; i < 2; i++) expect((await evaluateOnBackend(sut, smoke, SMOKE_INPUTS, SMOKE_EXPECTED)).verdict.kind).toBe('ok');
    expect(sut.served()).toBe(4);
    // A MatMul long enough (a billion multiply-adds on one wasm thread) to be killed while it runs.
    const n = 1024;
    const model: Model = {
      opset: 17,
      inputs: [
        { name: 'a', dtype: 'float32', shape: [n, n] },
        { name: 'b', dtype: 'float32', shape: [n, n] },
      ],
      weights: [],
      nodes: [{ name: 'mm', op: 'MatMul', inputs: ['a', 'b'], outputs: [{ name: 'c', dtype: 'float32', shape: [n, n] }], attrs: {} }],
      outputs: ['c'],
    };
    const ones = makeTensor('float32', [n, n], new Float64Array(n * n).fill(1));
    const inputs = new Map([['a', ones], ['b', ones]]);
    const expected = new Map([['c', makeTensor('float64', [n, n], new Float64Array(n * n).fill(n))]]);
    let killed: number[] = [];
    const killing: BackendAdapter<WorkerPrepared> = {
      ...sut,
      run: (prepared, feeds) => {
        const running = sut.run(prepared, feeds);
        setTimeout(() => {
          killed = rendererPids();
          for (const pid of killed) process.kill(pid, 'SIGKILL');
        }, 100);
        return running;
      },
    };
    const outcome = await evaluateOnBackend(killing, { model, onnx: modelToOnnx(model, registry) }, inputs, expected);
    expect(killed.length).toBeGreaterThan(0);
    expect(outcome.verdict).toMatchObject({ kind: 'crash', backend: 'chrome-ort-wasm' });
    expect(outcome.verdict.message).toMatch(/renderer crashed/);
    // No restart asked for: the page host opens a fresh page by itself.
    expect((await evaluateOnBackend(sut, smoke, SMOKE_INPUTS, SMOKE_EXPECTED)).verdict.kind).toBe('ok');
    expect(sut.served()).toBe(2);
  }, 120_000);

  describe('a page that hangs or breaks (a fault harness)', () => {
    const spec: BrowserSutSpec = {
      name: 'fault-page',
      family: 'fault-page',
      package: 'fixture',
      pageHtml: [
        '<!doctype html><meta charset="utf-8"><title>fault page</title><script type="module">',
        "import { installFaultHarness } from '/fixtures/browser-fault-harness.js';",
        'window.tensorsmithReady = installFaultHarness().then(({ harness, info }) => { window.tensorsmith = harness; return info; });',
        '</script>',
      ].join('\n'),
      folders: [{ prefix: '/fixtures/', dir: join(process.cwd(), 'test', 'fixtures') }],
      sends: 'model',
      supports: () => true,
      reportsRewrites: false,
    };
    const sut = browserSut(spec, { timeoutMs: 3000, memoryLimitMb: 8192, chromium: () => findChromium() });
    open.push(sut);
    const x = makeTensor('float32', [4], [-1, 2, -3, 4]);
    const relu = makeTensor('float64', [4], [0, 2, 0, 4]);
    const test = (op: string) => {
      const model = unary(op);
      return evaluateOnBackend(sut, { model, onnx: modelToOnnx(model, registry) }, new Map([['x', x]]), new Map([['y', relu]]));
    };

    it('a page stuck in a loop gives hang within the timeout, and the next test runs in a fresh page', async () => {
      for (let i = 0; i < 2; i++) expect((await test('Relu')).verdict.kind).toBe('ok');
      expect(sut.served()).toBe(4);
      const t0 = performance.now();
      const outcome = await test('Neg');
      expect(outcome.verdict).toMatchObject({ kind: 'hang', backend: 'fault-page' });
      expect(outcome.verdict.message).toMatch(/did not answer within 3000 ms; its page was crashed/);
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect((await test('Relu')).verdict.kind).toBe('ok');
      expect(sut.served()).toBe(2);
    }, 60_000);

    it('a renderer killed while the page waits gives crash; a page that reports itself broken gives crash; each time the next test gets a fresh page', async () => {
      expect((await test('Relu')).verdict.kind).toBe('ok');
      let killed: number[] = [];
      setTimeout(() => {
        killed = rendererPids();
        for (const pid of killed) process.kill(pid, 'SIGKILL');
      }, 1000);
      const crash = await test('Abs');
      expect(killed.length).toBeGreaterThan(0);
      expect(crash.verdict).toMatchObject({ kind: 'crash' });
      expect(crash.verdict.message).toMatch(/renderer crashed/);
      expect((await test('Relu')).verdict.kind).toBe('ok');
      expect(sut.served()).toBe(2);
      const broken = await test('Sigmoid');
      expect(broken.verdict).toMatchObject({ kind: 'crash' });
      expect(broken.verdict.message).toMatch(/WebGPU device lost \(unknown: the fixture lost it\)/);
      expect((await test('Relu')).verdict.kind).toBe('ok');
      expect(sut.served()).toBe(2);
    }, 60_000);
  });
});
