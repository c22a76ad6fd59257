import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { loadAdapterModule } from '../../src/backends/external.js';
import { isolate } from '../../src/backends/isolation/isolated-adapter.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { SutSession } from '../../src/oracles/sut-session.js';
import { ModelValidationError } from '../../src/ir/errors.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { validateModel } from '../../src/opspec/validate.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import { singleOpCulprit } from '../../src/reduce/culprit.js';
import { reduceBug } from '../../src/reduce/reduce-bug.js';
import { judgeCandidate } from '../../src/reduce/same-bug.js';

const registry = builtinRegistry();
const s = [2, 3];

/**
 * A SUT whose Transpose fails on a bool it computed itself (from a comparison), but not on one fed
 * from the host: the way tfjs-webgpu copies GPU-made bools.
 */
function computedBoolBug(): BackendAdapter<Model> {
  const ref = referenceCpuAdapter();
  return {
    ...ref,
    name: 'computed-bool',
    async run(model, inputs) {
      const graphInputs = new Set(model.inputs.map((i) => i.name));
      const bad = model.nodes.find((n) => n.op === 'Transpose' && n.outputs[0]!.dtype === 'bool' && !graphInputs.has(n.inputs[0]!));
      if (bad) throw new Error("type mismatch for argument 2 in call to 'setOutputAtIndex', expected 'f32', got 'i32'");
      return ref.run(model, inputs);
    },
  };
}

/** x -> Exp -> Less(y) -> Transpose (bool) -> Not. */
function boolChain(): { model: Model; inputs: Map<string, ReturnType<typeof makeTensor>> } {
  const f = (name: string, shape = s) => ({ name, dtype: 'float32' as const, shape });
  const b = (name: string, shape: number[]) => ({ name, dtype: 'bool' as const, shape });
  const model: Model = {
    opset: 17,
    inputs: [f('x'), f('y')],
    weights: [],
    nodes: [
      { name: 'n0_Exp', op: 'Exp', inputs: ['x'], outputs: [f('e')], attrs: {} },
      { name: 'n1_Less', op: 'Less', inputs: ['e', 'y'], outputs: [b('l', s)], attrs: {} },
      { name: 'n2_Transpose', op: 'Transpose', inputs: ['l'], outputs: [b('t', [3, 2])], attrs: { perm: [1, 0] } },
      { name: 'n3_Not', op: 'Not', inputs: ['t'], outputs: [b('o', [3, 2])], attrs: {} },
    ],
    outputs: ['o'],
  };
  const inputs = new Map([
    ['x', makeTensor('float32', s, [0.1, -1, 0.5, 2, -0.3, 1.2])],
    ['y', makeTensor('float32', s, [2, 0.1, 3, 1, 1.5, 0.2])],
  ]);
  return { model, inputs };
}

describe('feeds', () => {
  it('keep a bug that needs a value the SUT computed, and stay out of its signature', async () => {
    const adapter = computedBoolBug();
    const test = boolChain();
    const { verdict } = await judgeCandidate(adapter, test, registry);
    expect(verdict.kind).toBe('runtime-error');
    const reduced = await reduceBug({ session: new SutSession(adapter, { fullMs: 30_000 }), test, verdict, registry });
    // A cut would feed the Transpose from the host and lose the bug: a Not computes the same bool instead.
    expect(reduced!.model.nodes.map((n) => n.op)).toEqual(['Not', 'Transpose']);
    expect(reduced!.model.nodes[0]!.name).toMatch(/^feed_/);
    expect(bugSignature(reduced!.verdict, reduced!.model).ops).toEqual(['Transpose']);
  });
});

describe('the single-op culprit probe', async () => {
  const FIXTURE = resolve('test/fixtures/buggy-compiler.mjs');
  const local = (await loadAdapterModule(FIXTURE))[0]!;
  const sut = isolate(local, { module: FIXTURE, name: 'buggy-compiler' }, { timeoutMs: 10_000, memoryLimitMb: 4096 });
  afterAll(() => sut.close());

  it('finds the one op that fails alone and gives its one-node test', async () => {
    const f = (name: string, shape: number[]) => ({ name, dtype: 'float32' as const, shape });
    const model: Model = {
      opset: 17,
      inputs: [f('x', [2, 3])],
      weights: [],
      nodes: [
        { name: 'a', op: 'Relu', inputs: ['x'], outputs: [f('r', [2, 3])], attrs: {} },
        { name: 'b', op: 'Transpose', inputs: ['r'], outputs: [f('t', [3, 2])], attrs: { perm: [1, 0] } },
        { name: 'c', op: 'Abs', inputs: ['t'], outputs: [f('y', [3, 2])], attrs: {} },
      ],
      outputs: ['y'],
    };
    const test = { model, inputs: new Map([['x', makeTensor('float32', [2, 3], [1, -2, 3, -4, 5, -6])]]) };
    const session = new SutSession(sut, { fullMs: 10_000 });
    const { verdict } = await judgeCandidate(sut, test, registry);
    expect(verdict.kind).toBe('runtime-error');
    const found = await singleOpCulprit({ session, test, verdict, registry, maxChecks: 50 });
    expect(found?.reduced.model.nodes.map((n) => n.op)).toEqual(['Transpose']);
    expect(found?.reduced.verdict.message).toMatch(/Transpose kernel: no tile plan/);
    // Wrong values are left to delta debugging, which follows the failing output.
    expect(await singleOpCulprit({ session, test, verdict: { kind: 'wrong-result', backend: 'buggy-compiler' }, registry, maxChecks: 50 })).toBeUndefined();
  }, 60_000);
});

describe('bounded index weights', () => {
  it('make a model whose index is out of range invalid', () => {
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3] }],
      weights: [{ name: 'i', value: makeTensor('int64', [1, 3], [0, 0, 3]) }],
      nodes: [{ name: 'g', op: 'GatherElements', inputs: ['x', 'i'], outputs: [{ name: 'y', dtype: 'float32', shape: [1, 3] }], attrs: { axis: 0 } }],
      outputs: ['y'],
    };
    expect(() => validateModel(model, registry)).toThrow(ModelValidationError);
    expect(() => validateModel(model, registry)).toThrow(/holds 3, outside \[-1, 0\]/);
    const ok = { ...model, weights: [{ name: 'i', value: makeTensor('int64', [1, 3], [0, -1, 0]) }] };
    expect(() => validateModel(ok, registry)).not.toThrow();
  });
});
