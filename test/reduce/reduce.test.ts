import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTestCase } from '../../src/campaign/test-case.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { modelToJson } from '../../src/ir/json.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { validateModel } from '../../src/opspec/validate.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import type { Candidate } from '../../src/reduce/candidate.js';
import { reduceBug } from '../../src/reduce/reduce-bug.js';
import { SutSession } from '../../src/oracles/sut-session.js';
import { reduceTest } from '../../src/reduce/reduce.js';
import { judgeCandidate, sameBugPredicate } from '../../src/reduce/same-bug.js';
import { faultyOps, tenNodeModel, wave } from './models.js';

const registry = builtinRegistry();

const hasOp = (op: string) => async (c: Candidate) => c.model.nodes.some((n) => n.op === op);

function expectValidAndTrusted(c: Candidate): void {
  validateModel(c.model, registry);
  const run = runReference(c.model, c.inputs, { registry });
  expect(firstUntrustedValue(c.model, run, registry)).toBeUndefined();
}

describe('reduceTest', () => {
  it('reduces a 10-node model whose rank-3 Tanh is wrong on faulty-ops to at most 3 nodes, keeping the Tanh on rank 3', async () => {
    const adapter = await faultyOps();
    const test = tenNodeModel();
    const before = await judgeCandidate(adapter, test, registry);
    expect(before.verdict.kind).toBe('wrong-result');
    const result = await reduceTest({ ...test, registry, stillFails: sameBugPredicate({ adapter, verdict: before.verdict, registry }), budget: { checks: 10_000, ms: 30_000 } });
    expect(result.model.nodes.length).toBeLessThanOrEqual(3);
    expect(result.complete).toBe(true);
    const tanh = result.model.nodes.find((n) => n.op === 'Tanh');
    expect(tanh?.name).toBe('n4_Tanh');
    expect(tanh?.outputs[0]!.shape.length).toBe(3);
    expectValidAndTrusted(result);
    expect((await judgeCandidate(adapter, result, registry)).verdict.kind).toBe('wrong-result');
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.checks).toBeGreaterThanOrEqual(result.accepted);
  });

  it('keeps a bug that needs two nodes: both stay, everything else goes', async () => {
    // A "fusion" bug: a MatMul whose result feeds an Add straight away.
    const fused = async (c: Candidate) => {
      const producer = new Map(c.model.nodes.map((n) => [n.outputs[0]!.name, n.op]));
      return c.model.nodes.some((n) => n.op === 'Add' && producer.get(n.inputs[0]!) === 'MatMul');
    };
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
      weights: [
        { name: 'w', value: wave([3, 3], 1) },
        { name: 'b', value: wave([3], 2) },
      ],
      nodes: [
        { name: 'relu', op: 'Relu', inputs: ['x'], outputs: [{ name: 'r', dtype: 'float32', shape: [2, 3] }], attrs: {} },
        { name: 'neg', op: 'Neg', inputs: ['r'], outputs: [{ name: 'g', dtype: 'float32', shape: [2, 3] }], attrs: {} },
        { name: 'mm', op: 'MatMul', inputs: ['g', 'w'], outputs: [{ name: 'm', dtype: 'float32', shape: [2, 3] }], attrs: {} },
        { name: 'add', op: 'Add', inputs: ['m', 'b'], outputs: [{ name: 'a', dtype: 'float32', shape: [2, 3] }], attrs: {} },
        { name: 'sig', op: 'Sigmoid', inputs: ['a'], outputs: [{ name: 's', dtype: 'float32', shape: [2, 3] }], attrs: {} },
        { name: 'abs', op: 'Abs', inputs: ['s'], outputs: [{ name: 'out', dtype: 'float32', shape: [2, 3] }], attrs: {} },
      ],
      outputs: ['out'],
    };
    const result = await reduceTest({ model, inputs: new Map([['x', wave([2, 3])]]), registry, stillFails: fused, budget: { checks: 10_000, ms: 10_000 } });
    expect(result.model.nodes.map((n) => n.op)).toEqual(['MatMul', 'Add']);
    expect(result.model.outputs).toEqual(['a']);
    expectValidAndTrusted(result);
  });

  it('shrinks dims through broadcasting, drops attributes that have defaults and simplifies values', async () => {
    const model: Model = {
      opset: 17,
      inputs: [
        { name: 'x', dtype: 'float32', shape: [4, 6] },
        { name: 'y', dtype: 'float32', shape: [6] },
      ],
      weights: [],
      nodes: [
        { name: 'add', op: 'Add', inputs: ['x', 'y'], outputs: [{ name: 'a', dtype: 'float32', shape: [4, 6] }], attrs: {} },
        { name: 'soft', op: 'Softmax', inputs: ['a'], outputs: [{ name: 's', dtype: 'float32', shape: [4, 6] }], attrs: { axis: 0 } },
      ],
      outputs: ['s'],
    };
    const inputs = new Map<string, Tensor>([
      ['x', wave([4, 6])],
      ['y', wave([6], 3)],
    ]);
    const needsBoth = async (c: Candidate) => ['Add', 'Softmax'].every((op) => c.model.nodes.some((n) => n.op === op));
    const result = await reduceTest({ model, inputs, registry, stillFails: needsBoth, budget: { checks: 10_000, ms: 10_000 } });
    expect(result.model.inputs.map((i) => i.shape)).toEqual([[1, 1], [1]]);
    expect(result.model.nodes[1]!.attrs).toEqual({});
    expect([...result.inputs.values()].every((t) => t.data.every((v) => v === 0))).toBe(true);
    expectValidAndTrusted(result);
  });

  it('stops at the budget and says so', async () => {
    let calls = 0;
    const slow = async (c: Candidate) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return c.model.nodes.some((n) => n.op === 'Tanh');
    };
    const result = await reduceTest({ ...tenNodeModel(), registry, stillFails: slow, budget: { checks: 10_000, ms: 150 } });
    expect(result.complete).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.checks).toBe(calls);
    // No check starts after the budget: at most one check (100 ms) and the bookkeeping past it.
    // Unbounded, this reduction takes over ten checks.
    expect(result.ms).toBeLessThan(150 + 100 + 250);
    expect(calls).toBeLessThanOrEqual(3);
    expectValidAndTrusted(result);
  });

  it('counts its effort in checks: the step budget ends it the same way on any machine', async () => {
    const run = async (delayMs: number) => {
      const slowly = async (c: Candidate) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return c.model.nodes.some((n) => n.op === 'Tanh');
      };
      return reduceTest({ ...tenNodeModel(), registry, stillFails: slowly, budget: { checks: 4, ms: 60_000 } });
    };
    const fast = await run(0);
    const slow = await run(30);
    expect(fast.checks).toBe(4);
    expect(fast.complete).toBe(false);
    expect(fast.timedOut).toBe(false);
    expect(modelToJson(slow.model)).toBe(modelToJson(fast.model));
    expect(slow.checks).toBe(fast.checks);
  });

  it('returns the test unchanged when no candidate keeps the bug', async () => {
    const test = tenNodeModel();
    const result = await reduceTest({ ...test, registry, stillFails: async () => false, budget: { checks: 10_000, ms: 10_000 } });
    expect(result.model).toBe(test.model);
    expect(result.accepted).toBe(0);
    expect(result.complete).toBe(true);
  });

  it('on generated models: a valid, trusted, still failing and deterministic result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (seed) => {
        const test = await makeTestCase({ seed, index: 0, config: { maxNodes: 10, method: 'random' }, registry });
        fc.pre(test.untrusted === undefined && test.model.nodes.length > 1);
        const target = test.model.nodes[Math.floor(test.model.nodes.length / 2)]!.op;
        const run = () => reduceTest({ model: test.model, inputs: test.inputs, registry, stillFails: hasOp(target), budget: { checks: 10_000, ms: 20_000 } });
        const result = await run();
        expectValidAndTrusted(result);
        expect(await hasOp(target)(result)).toBe(true);
        expect(result.model.nodes.length).toBeLessThanOrEqual(test.model.nodes.length);
        const again = await run();
        expect(modelToJson(again.model)).toBe(modelToJson(result.model));
      }),
      { numRuns: 15 },
    );
  });
});

describe('reduceBug', () => {
  it('keeps the verdict kind and gives the reduced signature', async () => {
    const adapter = await faultyOps();
    const test = tenNodeModel();
    const { verdict } = await judgeCandidate(adapter, test, registry);
    const reduced = await reduceBug({ session: new SutSession(adapter, { fullMs: 30_000 }), test, verdict, registry });
    expect(reduced?.verdict.kind).toBe('wrong-result');
    expect(reduced?.stats).toMatchObject({ fromNodes: 10, toNodes: reduced?.model.nodes.length, complete: true });
    expect(bugSignature(reduced!.verdict, reduced!.model).ops).toEqual(['Tanh']);
    expect(reduced!.expected.size).toBe(reduced!.model.outputs.length);
    expect('error' in reduced!.actual).toBe(false);
  });

  it('reduces a thrown error by its normalized message', async () => {
    const adapter = await faultyOps();
    const s = [2, 3];
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'in0', dtype: 'float32', shape: s }],
      weights: [],
      nodes: [
        { name: 'n0_Abs', op: 'Abs', inputs: ['in0'], outputs: [{ name: 'v0', dtype: 'float32', shape: s }], attrs: {} },
        { name: 'n1_Softmax', op: 'Softmax', inputs: ['v0'], outputs: [{ name: 'v1', dtype: 'float32', shape: s }], attrs: { axis: -1 } },
        { name: 'n2_Neg', op: 'Neg', inputs: ['v1'], outputs: [{ name: 'v2', dtype: 'float32', shape: s }], attrs: {} },
      ],
      outputs: ['v2'],
    };
    const test = { model, inputs: new Map([['in0', makeTensor('float32', s, [1, 2, 3, 4, 5, 6])]]) };
    const { verdict } = await judgeCandidate(adapter, test, registry);
    expect(verdict.kind).toBe('runtime-error');
    const reduced = await reduceBug({ session: new SutSession(adapter, { fullMs: 30_000 }), test, verdict, registry });
    expect(reduced?.model.nodes.map((n) => n.op)).toEqual(['Softmax']);
    expect(reduced?.verdict.message).toBe(verdict.message);
    expect(reduced?.actual).toEqual({ error: verdict.message });
  });
});
