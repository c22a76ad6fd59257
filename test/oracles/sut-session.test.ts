import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { SMOKE_EXPECTED, SMOKE_INPUTS, SMOKE_MODEL } from '../../src/backends/availability.js';
import { loadAdapterModule } from '../../src/backends/external.js';
import { isolate, SutCrash, type IsolatedAdapter, type WorkerControl } from '../../src/backends/isolation/isolated-adapter.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { traceCorruptor } from '../../src/campaign/state-trace.js';
import { SutSession, type JudgedTest } from '../../src/oracles/sut-session.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const FIXTURE = resolve('test/fixtures/buggy-compiler.mjs');

/** A one-op float32 model on x[2, 3] (Transpose gets perm [1, 0]). */
function oneOp(op: string): Model {
  const out = op === 'Transpose' ? [3, 2] : [2, 3];
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
    weights: [],
    nodes: [{ name: 'n', op, inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: out }], attrs: op === 'Transpose' ? { perm: [1, 0] } : {} }],
    outputs: ['y'],
  };
}

function judged(model: Model, values = [-1, -2, 0.5, 1, 2, 3]): JudgedTest {
  const inputs = new Map([['x', makeTensor('float32', [2, 3], values)]]);
  return { model, onnx: modelToOnnx(model, registry), inputs, expected: runReference(model, inputs, { registry }).outputs };
}

const smoke: JudgedTest = { model: SMOKE_MODEL, onnx: modelToOnnx(SMOKE_MODEL, registry), inputs: SMOKE_INPUTS, expected: SMOKE_EXPECTED };

describe('a SUT session on an isolated buggy compiler', async () => {
  const local = (await loadAdapterModule(FIXTURE))[0]!;
  const sut = isolate(local, { module: FIXTURE, name: 'buggy-compiler' }, { timeoutMs: 20_000, memoryLimitMb: 4096, spares: 1 });
  afterAll(() => sut.close());

  it('times a hang out at the adaptive timeout, not the full one, once it has seen good runs', async () => {
    const session = new SutSession(sut, { fullMs: 20_000 });
    expect(await session.calibrate(smoke)).toBeUndefined();
    expect((await session.evaluate(judged(oneOp('Relu')))).verdict.kind).toBe('ok');
    const t0 = performance.now();
    const hang = await session.evaluate(judged(oneOp('Sin')));
    expect(hang.verdict.kind).toBe('hang');
    expect(hang.hangTimeoutMs).toBeLessThan(20_000);
    expect(hang.hangTimeoutMs).toBeGreaterThanOrEqual(1000);
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 60_000);

  it('replaces a worker after an error but not after a wrong value, and says when a test ran alone', async () => {
    const session = new SutSession(sut, { fullMs: 20_000 });
    await session.calibrate(smoke);
    const first = await session.evaluate(judged(oneOp('Relu')));
    expect(first.alone).toBe(true);
    expect((await session.evaluate(judged(oneOp('Relu')))).alone).toBe(false);
    const error = await session.evaluate(judged(oneOp('Transpose')));
    expect(error.verdict.kind).toBe('runtime-error');
    // The worker that threw is gone: the next test runs alone in a fresh one.
    expect((await session.evaluate(judged(oneOp('Relu')))).alone).toBe(true);
    const wrong = await session.evaluate(judged(oneOp('Sigmoid')));
    expect(wrong.verdict.kind).toBe('wrong-result');
    expect((await session.evaluate(judged(oneOp('Relu')))).alone).toBe(false);
    expect(session.ranSinceStart.length).toBe(3);
  }, 60_000);

  it('says so when the SUT says it does not implement something, and it is no bug', async () => {
    const session = new SutSession(sut, { fullMs: 20_000 });
    const neg: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'int32', shape: [2] }],
      weights: [],
      nodes: [{ name: 'n', op: 'Neg', inputs: ['x'], outputs: [{ name: 'y', dtype: 'int32', shape: [2] }], attrs: {} }],
      outputs: ['y'],
    };
    const inputs = new Map([['x', makeTensor('int32', [2], [1, -2])]]);
    const outcome = await session.evaluate({ model: neg, onnx: modelToOnnx(neg, registry), inputs, expected: runReference(neg, inputs, { registry }).outputs });
    expect(outcome.verdict.kind).toBe('unsupported');
    expect(outcome.capabilityGap).toBe(true);
    expect(outcome.verdict.message).toMatch(/Neg is not implemented for int32/);
  }, 60_000);
});

/**
 * A SUT in this process that a session can "restart": restarting mends it. Running a model with a
 * Cos breaks it; broken, it adds 1 to every output.
 */
function breakableSut(): BackendAdapter<Model> & WorkerControl {
  const ref = referenceCpuAdapter();
  let broken = false;
  return {
    ...ref,
    name: 'breakable',
    async run(model, inputs) {
      const out = await ref.run(model, inputs);
      const result = new Map<string, Tensor>();
      for (const [k, t] of out) result.set(k, broken ? { ...t, data: t.data.map((x) => x + 1) } : t);
      if (model.nodes.some((n) => n.op === 'Cos')) broken = true;
      return result;
    },
    restart() {
      broken = false;
    },
    setRequestTimeout() {},
    served: () => 2,
    close() {},
  };
}

describe('tracing a state bug', () => {
  it('finds the earlier test that broke the SUT, by replaying its history in fresh workers', async () => {
    const session = new SutSession(breakableSut(), { fullMs: 20_000 });
    const history = ['Relu', 'Abs', 'Cos', 'Neg', 'Relu'].map((op) => judged(oneOp(op)));
    for (const t of history) await session.evaluate(t);
    const victim = judged(oneOp('Relu'));
    const broken = await session.evaluate(victim);
    expect(broken.verdict.kind).toBe('wrong-result');
    expect((await session.confirm(victim)).verdict.kind).toBe('ok');
    const traced = await traceCorruptor({ session, history, victim, verdict: broken.verdict });
    expect(traced?.setup.model.nodes[0]!.op).toBe('Cos');
    expect(traced?.outcome.verdict.kind).toBe('wrong-result');
  });

  it('gives up when replaying the history does not break the SUT (a flaky one)', async () => {
    const session = new SutSession(breakableSut(), { fullMs: 20_000 });
    const history = ['Relu', 'Abs'].map((op) => judged(oneOp(op)));
    const victim = judged(oneOp('Relu'));
    expect(await traceCorruptor({ session, history, victim, verdict: { kind: 'wrong-result', backend: 'breakable' } })).toBeUndefined();
  });
});

/**
 * An isolated SUT whose restart() keeps something of the old worker (as a browser page keeps its
 * browser) and whose restartFully() does not: Sin crashes it, Sigmoid is off by one.
 */
function pageLikeSut(): IsolatedAdapter & { readonly counts: { restarts: number; full: number } } {
  const ref = referenceCpuAdapter();
  const prepared = new Map<number, Model>();
  const counts = { restarts: 0, full: 0 };
  return {
    name: 'page-like',
    counts,
    describe: ref.describe,
    supports: ref.supports,
    async prepare(artifact) {
      const handle = prepared.size + 1;
      prepared.set(handle, artifact.model);
      return { handle };
    },
    async run(p, inputs) {
      const model = prepared.get(p.handle)!;
      if (model.nodes.some((n) => n.op === 'Sin')) throw new SutCrash('page-like: its browser died');
      const out = await ref.run(await ref.prepare({ model, onnx: new Uint8Array() }), inputs);
      if (!model.nodes.some((n) => n.op === 'Sigmoid')) return out;
      return new Map([...out].map(([k, t]) => [k, { ...t, data: t.data.map((x) => x + 1) }]));
    },
    restart: () => void counts.restarts++,
    restartFully: () => void counts.full++,
    setRequestTimeout: () => undefined,
    served: () => 2,
    close: () => undefined,
  };
}

describe('a SUT session whose fresh worker shares something with the old one (a page in its browser)', () => {
  it('counts a crash as alone only in a pristine worker, and confirms in one', async () => {
    const sut = pageLikeSut();
    const session = new SutSession(sut, { fullMs: 20_000 });
    expect(await session.calibrate(smoke)).toBeUndefined();
    // calibrate leaves a pristine worker: its first test is alone, crash or not.
    expect(sut.counts.full).toBe(1);
    const first = await session.evaluate(judged(oneOp('Sin')));
    expect(first.verdict.kind).toBe('crash');
    expect(first.alone).toBe(true);
    // After the crash, a fresh page in the same browser: a crash there may be the browser's own.
    const again = await session.evaluate(judged(oneOp('Sin')));
    expect(again.verdict.kind).toBe('crash');
    expect(again.alone).toBe(false);
    expect(sut.counts.full).toBe(1);
    // A wrong value is the page's own: the first test of a fresh page is alone.
    const wrong = await session.evaluate(judged(oneOp('Sigmoid')));
    expect(wrong.verdict.kind).toBe('wrong-result');
    expect(wrong.alone).toBe(true);
    // A confirmation runs in a pristine worker; a reduction's candidate, told so, in a fresh one.
    const confirmed = await session.confirm(judged(oneOp('Sin')));
    expect(confirmed.alone).toBe(true);
    expect(sut.counts.full).toBe(2);
    const candidate = await session.confirm(judged(oneOp('Sin')), { pristine: false });
    expect(candidate.alone).toBe(false);
    expect(sut.counts.full).toBe(2);
  });
});
