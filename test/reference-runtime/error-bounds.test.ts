import { describe, expect, it } from 'vitest';
import { cpuKernels } from '../../src/reference-runtime/cpu/kernels/index.js';
import { boundRules, errorBounds } from '../../src/reference-runtime/bounds/error-bounds.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import type { Model, Node, ValueInfo } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { onnxruntimeNodeAdapter } from '../../src/backends/onnxruntime-node.js';
import { tfjsAdapter } from '../../src/backends/tfjs-adapter.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { untrustedRun } from '../../src/inputsearch/clean.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';

const f32 = (name: string, shape: number[]): ValueInfo => ({ name, dtype: 'float32', shape });
const node = (name: string, op: string, inputs: string[], out: ValueInfo, attrs: Node['attrs'] = {}): Node => ({ name, op, inputs, outputs: [out], attrs });
const u = 2 ** -24;
const registry = builtinRegistry();

function boundsOf(model: Model, inputs: Map<string, Tensor>): Map<string, Float64Array> {
  return errorBounds(model, runReference(model, inputs));
}

describe('per-element error bounds of the reference run', () => {
  it('has a rule for every op the reference runs', () => {
    const rules = boundRules();
    expect(cpuKernels().ops().filter((op) => rules.find(op) === undefined)).toEqual([]);
  });

  it('gives graph inputs and copies of them no error, and one rounding to an Add of them', () => {
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [3])],
      weights: [{ name: 'w', value: makeTensor('float32', [3], [1, 2, 3]) }],
      nodes: [node('t', 'Transpose', ['x'], f32('t', [3]), { perm: [0] }), node('a', 'Add', ['t', 'w'], f32('y', [3]))],
      outputs: ['y'],
    };
    const b = boundsOf(model, new Map([['x', makeTensor('float32', [3], [0.5, -4, 8])]]));
    expect(b.has('t')).toBe(false);
    expect([...b.get('y')!]).toEqual([1.5 * u, 2 * u, 11 * u]);
  });

  it('grows a sum bound with its length and carries an input error through Exp by its derivative', () => {
    const k = 64;
    const model: Model = {
      opset: 17,
      inputs: [f32('a', [1, k]), f32('b', [k, 1])],
      weights: [],
      nodes: [node('m', 'MatMul', ['a', 'b'], f32('m', [1, 1])), node('e', 'Exp', ['m'], f32('y', [1, 1]))],
      outputs: ['y'],
    };
    const ones = (shape: number[]) => makeTensor('float32', shape, new Array(k).fill(0.125));
    const run = runReference(model, new Map([['a', ones([1, k])], ['b', ones([k, 1])]]));
    const b = errorBounds(model, run);
    const m = run.values.get('m')!.data[0]!;
    expect(m).toBe(1);
    // (k + 1) roundings of sum |a||b| = 1.
    expect(b.get('m')![0]! / ((k + 1) * u)).toBeCloseTo(1, 4);
    const y = Math.exp(1);
    // exp(1 + e) - exp(1) ~ e * exp(1), plus the library's own units.
    expect(b.get('y')![0]! / y).toBeGreaterThan((k + 1) * u);
    expect(b.get('y')![0]! / y).toBeLessThan((k + 1 + 10) * u);
  });

  it('knows an InstanceNormalization of one element is its bias whatever the input, and that two nearly equal ones are meaningless', () => {
    const model = (size: number): Model => ({
      opset: 17,
      inputs: [f32('x', [1, 1, size])],
      weights: [
        { name: 's', value: makeTensor('float32', [1], [1]) },
        { name: 'b', value: makeTensor('float32', [1], [1]) },
      ],
      nodes: [node('n', 'InstanceNormalization', ['x', 's', 'b'], f32('y', [1, 1, size]), { epsilon: 1e-5 })],
      outputs: ['y'],
    });
    const one = boundsOf(model(1), new Map([['x', makeTensor('float32', [1, 1, 1], [7e17])]]));
    expect(one.get('y')![0]).toBeLessThan(4 * u);
    const big = Math.fround(7e17);
    const next = big + 2 ** 36; // one float32 ulp above
    const two = boundsOf(model(2), new Map([['x', makeTensor('float32', [1, 1, 2], [big, next])]]));
    expect(two.get('y')![0]).toBe(Infinity);
  });
});

// 7e17 in the campaign; the op's domain now stops at 1e17 (its squares must fit float32).
describe('InstanceNormalization over a plane of one element holding 5e16 (the bias is the exact result)', () => {
  const model = (size: number): Model => ({
    opset: 17,
    inputs: [f32('x', [1, 1, size])],
    weights: [
      { name: 's', value: makeTensor('float32', [1], [1]) },
      { name: 'b', value: makeTensor('float32', [1], [1]) },
    ],
    nodes: [node('n', 'InstanceNormalization', ['x', 's', 'b'], f32('y', [1, 1, size]), { epsilon: 1e-5 })],
    outputs: ['y'],
  });
  const judge = async (adapter: BackendAdapter, m: Model, inputs: Map<string, Tensor>) =>
    (await evaluateOnBackend(adapter, { model: m, onnx: modelToOnnx(m, registry) }, inputs, runReference(m, inputs).outputs)).verdict;

  it('is reported on onnxruntime, whose kernel folds the mean into the bias, and passes on tfjs-cpu, which gets the bias', async () => {
    const inputs = new Map([['x', makeTensor('float32', [1, 1, 1], [5e16])]]);
    const ort = await judge(onnxruntimeNodeAdapter('disabled'), model(1), inputs);
    expect(ort.kind).toBe('wrong-result');
    // A correct float32 computation gets the bias to a few units: the report says so.
    expect(ort.worst!.bound!).toBeLessThan(1e-6);
    expect(ort.message).toMatch(/expected 1 ± [\d.e-]+: [\d.e+]+ times the bound/);
    const tfjs = await judge(tfjsAdapter('cpu'), model(1), inputs);
    expect(tfjs.kind).toBe('ok');
    // And the test is one to judge: nothing in it is untrusted.
    expect(untrustedRun(model(1), inputs, runReference(model(1), inputs), registry)).toBeUndefined();
  }, 60_000);

  it('is discarded as ill-conditioned when the plane holds two values one float32 ulp apart: the result is meaningless', () => {
    const big = Math.fround(5e16);
    const inputs = new Map([['x', makeTensor('float32', [1, 1, 2], [big, big + 2 ** 32])]]);
    const untrusted = untrustedRun(model(2), inputs, runReference(model(2), inputs), registry);
    expect(untrusted).toMatchObject({ reason: 'ill-conditioned', op: 'InstanceNormalization' });
  });
});

describe('norms of values whose squares underflow float32', () => {
  it('allow the flushed terms: ReduceL2 of 3e-24s is meaningless in float32, and the test is discarded as ill-conditioned', () => {
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [2])],
      weights: [],
      nodes: [node('n', 'ReduceL2', ['x'], f32('y', []), { keepdims: 0 })],
      outputs: ['y'],
    };
    const inputs = new Map([['x', makeTensor('float32', [2], [2.8284e-24, 2.8284e-24])]]);
    const run = runReference(model, inputs);
    expect(errorBounds(model, run).get('y')![0]).toBeGreaterThan(1e-20);
    expect(untrustedRun(model, inputs, run, registry)).toMatchObject({ reason: 'ill-conditioned', op: 'ReduceL2' });
  });
});
