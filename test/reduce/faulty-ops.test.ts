import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTestCase } from '../../src/campaign/test-case.js';
import { backendsWithModules } from '../../src/backends/registry.js';
import { makeTensor } from '../../src/ir/tensor.js';
import type { Model } from '../../src/ir/model.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { judgeCandidate } from '../../src/reduce/same-bug.js';
import { FAULTY_OPS, faultyOps, wave } from './models.js';

const registry = builtinRegistry();

const OPS = ['Relu', 'Add', 'Sub', 'Mul', 'Neg', 'Abs', 'Exp', 'Tanh', 'Sigmoid', 'MatMul', 'Transpose', 'Reshape', 'Identity', 'Concat', 'ReduceSum', 'Softmax'];

function oneNode(op: string, shape: number[], attrs: Model['nodes'][number]['attrs'] = {}): Model {
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape }],
    weights: [],
    nodes: [{ name: 'n0', op, inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape }], attrs }],
    outputs: ['y'],
  };
}

const run = async (model: Model) => (await judgeCandidate(await faultyOps(), { model, inputs: new Map([['x', wave(model.inputs[0]!.shape)]]) }, registry)).verdict;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the faulty-ops fixture SUT', () => {
  it('gets Tanh wrong on rank 3 and more only', async () => {
    expect((await run(oneNode('Tanh', [2, 3]))).kind).toBe('ok');
    expect((await run(oneNode('Tanh', [2, 3, 1]))).kind).toBe('wrong-result');
  });

  it('fails every Softmax: a thrown error in this process, an abort (crash) in an isolation worker', async () => {
    expect(await run(oneNode('Softmax', [2, 3], { axis: -1 }))).toMatchObject({ kind: 'runtime-error', message: 'faulty-ops: fatal error in the Softmax kernel' });
    const backends = await backendsWithModules([FAULTY_OPS]);
    const isolated = backends.createIsolated('faulty-ops', { timeoutMs: 30_000, memoryLimitMb: 4096 });
    try {
      const model = oneNode('Softmax', [2, 3], { axis: -1 });
      const { verdict } = await judgeCandidate(isolated, { model, inputs: new Map([['x', wave([2, 3])]]) }, registry);
      expect(verdict.kind).toBe('crash');
      expect(verdict.message).toBe('faulty-ops died (signal SIGABRT); stderr: faulty-ops: fatal error in the Softmax kernel, aborting');
    } finally {
      isolated.close();
    }
  });

  it('computes correctly with TENSORSMITH_FAULTS=off', async () => {
    vi.stubEnv('TENSORSMITH_FAULTS', 'off');
    expect((await run(oneNode('Tanh', [2, 3, 4]))).kind).toBe('ok');
    expect((await run(oneNode('Softmax', [2, 3, 4], { axis: 1 }))).kind).toBe('ok');
  });

  it('agrees with the reference on generated models of its ops when its faults are off', async () => {
    vi.stubEnv('TENSORSMITH_FAULTS', 'off');
    const adapter = await faultyOps();
    for (let index = 0; index < 40; index++) {
      const test = await makeTestCase({ seed: 'faulty-ops', index, config: { maxNodes: 10, ops: OPS, method: 'random' }, registry });
      if (test.untrusted) continue;
      const { verdict } = await judgeCandidate(adapter, test, registry);
      expect(verdict, `test ${index}`).toMatchObject({ kind: 'ok' });
    }
  });

  it('declares the ops and dtypes it lacks, which a campaign judges unsupported', async () => {
    const adapter = await faultyOps();
    expect(adapter.supports('Log', ['float32'])).toBe(false);
    expect(adapter.supports('Relu', ['int32'])).toBe(false);
    expect(adapter.supports('Reshape', ['float32', 'int64'])).toBe(true);
    const model = { ...oneNode('Log', [2]) };
    const verdict = (await judgeCandidate(adapter, { model, inputs: new Map([['x', makeTensor('float32', [2], [1, 2])]]) }, registry)).verdict;
    expect(verdict).toMatchObject({ kind: 'unsupported', message: 'faulty-ops does not implement Log(float32)' });
  });
});
