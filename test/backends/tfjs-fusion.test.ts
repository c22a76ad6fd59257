import { describe, expect, it } from 'vitest';
import { isolate } from '../../src/backends/isolation/isolated-adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { tfjsKnownBug } from '../../src/backends/tfjs/deviations.js';
import { fusedChains, fusedKernelName } from '../../src/backends/tfjs/fusion.js';
import { resolveNodes } from '../../src/backends/tfjs/resolve.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model, Node, ValueInfo } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { generateModel, GenerationError } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { drawInput } from '../../src/generator/single-op.js';
import { webGpuSkipReason } from '../support/webgpu-availability.js';

const registry = builtinRegistry();
const backends = builtinBackends();
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = (name: string, shape: number[]): ValueInfo => ({ name, dtype: 'float32', shape });
const weight = (name: string, shape: number[], values?: number[]) => ({
  name,
  value: makeTensor('float32', shape, values ?? Array.from({ length: size(shape) }, (_, i) => Math.sin(3 * i + name.length) / 2)),
});
const node = (name: string, op: string, inputs: string[], out: ValueInfo, attrs: Node['attrs'] = {}): Node => ({ name, op, inputs, outputs: [out], attrs });
const CONV = { pads: [1, 1, 1, 1] };

/** x[1,3,6,6] -> Conv(W, B) -> Relu. */
const convBiasRelu: Model = {
  opset: 17,
  inputs: [f32('x', [1, 3, 6, 6])],
  weights: [weight('w', [4, 3, 3, 3]), weight('b', [4])],
  nodes: [node('conv', 'Conv', ['x', 'w', 'b'], f32('c', [1, 4, 6, 6]), CONV), node('relu', 'Relu', ['c'], f32('y', [1, 4, 6, 6]))],
  outputs: ['y'],
};

/** x[2,5] -> MatMul(W) -> Add(bias first) -> LeakyRelu(0.1). */
const matMulAddLeaky: Model = {
  opset: 17,
  inputs: [f32('x', [2, 5])],
  weights: [weight('w', [5, 4]), weight('b', [1, 4])],
  nodes: [
    node('mm', 'MatMul', ['x', 'w'], f32('m', [2, 4])),
    node('add', 'Add', ['b', 'm'], f32('a', [2, 4])),
    node('leaky', 'LeakyRelu', ['a'], f32('y', [2, 4]), { alpha: 0.1 }),
  ],
  outputs: ['y'],
};

/** Gemm(transB, C) -> Sigmoid. */
const gemmSigmoid: Model = {
  opset: 17,
  inputs: [f32('x', [3, 5])],
  weights: [weight('w', [4, 5]), weight('c', [4])],
  nodes: [node('gemm', 'Gemm', ['x', 'w', 'c'], f32('g', [3, 4]), { transB: 1 }), node('sig', 'Sigmoid', ['g'], f32('y', [3, 4]))],
  outputs: ['y'],
};

/** A depthwise Conv (multiplier 2, strided and dilated) -> Add of a per-channel constant -> Clip(0, 6). */
const depthwiseAddRelu6: Model = {
  opset: 17,
  inputs: [f32('x', [1, 3, 7, 7])],
  weights: [weight('w', [6, 1, 3, 3], Array.from({ length: 54 }, (_, i) => Math.cos(i) * 3)), weight('b', [6, 1, 1]), weight('lo', [], [0]), weight('hi', [], [6])],
  nodes: [
    node('conv', 'Conv', ['x', 'w'], f32('c', [1, 6, 2, 2]), { group: 3, strides: [2, 2], dilations: [2, 2] }),
    node('add', 'Add', ['c', 'b'], f32('a', [1, 6, 2, 2])),
    node('clip', 'Clip', ['a', 'lo', 'hi'], f32('y', [1, 6, 2, 2])),
  ],
  outputs: ['y'],
};

/** Conv without B -> PRelu with a per-channel slope. */
const convPrelu: Model = {
  opset: 17,
  inputs: [f32('x', [2, 2, 5, 5])],
  weights: [weight('w', [3, 2, 2, 2]), weight('s', [3, 1, 1])],
  nodes: [node('conv', 'Conv', ['x', 'w'], f32('c', [2, 3, 4, 4])), node('prelu', 'PRelu', ['c', 's'], f32('y', [2, 3, 4, 4]))],
  outputs: ['y'],
};

/** A batched MatMul -> Add of a graph input -> Elu(1). */
const batchedMatMulElu: Model = {
  opset: 17,
  inputs: [f32('x', [2, 3, 5]), f32('bias', [4])],
  weights: [weight('w', [5, 4])],
  nodes: [node('mm', 'MatMul', ['x', 'w'], f32('m', [2, 3, 4])), node('add', 'Add', ['m', 'bias'], f32('a', [2, 3, 4])), node('elu', 'Elu', ['a'], f32('y', [2, 3, 4]), { alpha: 1 })],
  outputs: ['y'],
};

/** MatMul -> Clip with a lower bound of 0 and no upper bound: max(x, 0), a relu. */
const matMulClip0: Model = {
  opset: 17,
  inputs: [f32('x', [3, 4])],
  weights: [weight('w', [4, 2]), weight('lo', [], [0])],
  nodes: [node('mm', 'MatMul', ['x', 'w'], f32('m', [3, 2])), node('clip', 'Clip', ['m', 'lo', ''], f32('y', [3, 2]))],
  outputs: ['y'],
};

const FUSED: readonly [string, Model, string[]][] = [
  ['Conv + B + Relu', convBiasRelu, ['fused.conv2d+bias+relu']],
  ['MatMul + Add + LeakyRelu', matMulAddLeaky, ['fused.matMul+bias+leakyrelu']],
  ['Gemm(C) + Sigmoid', gemmSigmoid, ['fused.matMul+bias+sigmoid']],
  ['depthwise Conv + Add + Clip(0, 6)', depthwiseAddRelu6, ['fused.depthwiseConv2d+bias+relu6']],
  ['Conv + PRelu', convPrelu, ['fused.conv2d+prelu']],
  ['batched MatMul + Add + Elu', batchedMatMulElu, ['fused.matMul+bias+elu']],
  ['MatMul + Clip(0)', matMulClip0, ['fused.matMul+relu']],
];

function fusedNames(model: Model): string[] {
  return fusedChains(model, resolveNodes(model, registry)).map(fusedKernelName);
}

function inputsOf(model: Model) {
  return new Map(model.inputs.map((i) => [i.name, makeTensor('float32', i.shape, Array.from({ length: size(i.shape) }, (_, k) => 2 * Math.sin(k + 0.5)))]));
}

/**
 * tfjs-wasm's fused matMul off its XNNPACK path (a transpose, or a batch on either side) adds the
 * bias by the output element's index within its matrix, clamped to the bias's last element: every
 * row after the first gets bias[N - 1] in every column. A tfjs bug these chains reach (see the test
 * below), corpus/tfjs-wasm-fused-matmul-transposeb-bias.
 */
const WASM_ROW_BIAS = new Set(['Gemm(C) + Sigmoid', 'batched MatMul + Add + Elu']);

const webGpuSkip = await webGpuSkipReason();

describe.each(['tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu'])('%s runs fused kernels like the reference', (name) => {
  const cases = FUSED.filter(([label]) => name !== 'tfjs-wasm' || !WASM_ROW_BIAS.has(label));
  it.skipIf(name === 'tfjs-webgpu' && webGpuSkip !== undefined).each(cases)('%s', async (_label, model, names) => {
    const adapter = backends.create(name);
    const inputs = inputsOf(model);
    const outcome = await evaluateOnBackend(adapter, { model, onnx: modelToOnnx(model, registry) }, inputs, runReference(model, inputs).outputs);
    expect(outcome.verdict).toMatchObject({ kind: 'ok' });
    expect(outcome.rewrites).toEqual(names);
  }, 60_000);
});

describe('a tfjs-wasm bug the fused matMul reaches', () => {
  it('adds bias[N - 1] to the rows after the first off the XNNPACK path (still in tfjs: when this fails, it is fixed)', async () => {
    const wasm = backends.create('tfjs-wasm');
    for (const [label, model] of FUSED.filter(([l]) => WASM_ROW_BIAS.has(l))) {
      const inputs = inputsOf(model);
      const outcome = await evaluateOnBackend(wasm, { model, onnx: modelToOnnx(model, registry) }, inputs, runReference(model, inputs).outputs);
      expect(outcome.verdict.kind, label).toBe('wrong-result');
    }
    // The smallest case: Gemm(transB) of ones [2, 1] by [2, 1] plus C = [10, 20] is [[11, 21], [11, 21]].
    const gemm: Model = {
      opset: 17,
      inputs: [f32('a', [2, 1])],
      weights: [weight('b', [2, 1], [1, 1]), weight('c', [2], [10, 20])],
      nodes: [node('gemm', 'Gemm', ['a', 'b', 'c'], f32('y', [2, 2]), { transB: 1 })],
      outputs: ['y'],
    };
    const prepared = await wasm.prepare({ model: gemm, onnx: modelToOnnx(gemm, registry) });
    const out = await wasm.run(prepared, new Map([['a', makeTensor('float32', [2, 1], [1, 1])]]));
    await wasm.release?.(prepared);
    expect(Array.from(out.get('y')!.data)).toEqual([11, 21, 21, 21]);
  }, 60_000);

  it('is the recorded tfjs-wasm bug of exactly the fused chains it gets wrong', () => {
    const entry = 'tfjs-wasm-fused-matmul-transposeb-bias';
    for (const [label, model] of FUSED) {
      expect(tfjsKnownBug('wasm', model)?.corpus, label).toBe(WASM_ROW_BIAS.has(label) ? entry : undefined);
      expect(tfjsKnownBug('cpu', model), label).toBeUndefined();
    }
    // A[2, 2, 1] by B[1, 1, 2] (a batch of a), then Add of a [2] bias: the form a campaign found.
    const broadcast: Model = {
      opset: 17,
      inputs: [f32('a', [2, 2, 1]), f32('b', [1, 1, 2])],
      weights: [weight('c', [2], [-1, 1])],
      nodes: [node('mm', 'MatMul', ['a', 'b'], f32('m', [2, 2, 2])), node('add', 'Add', ['m', 'c'], f32('y', [2, 2, 2]))],
      outputs: ['y'],
    };
    expect(tfjsKnownBug('wasm', broadcast)?.corpus).toBe(entry);
    // B's batch takes the kernel off XNNPACK too; one row, or a bias of one value, comes out right.
    const batchOfB: Model = { ...broadcast, inputs: [f32('a', [2, 1]), f32('b', [2, 1, 2])] };
    expect(tfjsKnownBug('wasm', batchOfB)?.corpus).toBe(entry);
    const oneRow: Model = {
      ...broadcast,
      inputs: [f32('a', [2, 1, 1]), f32('b', [1, 1, 2])],
      nodes: [node('mm', 'MatMul', ['a', 'b'], f32('m', [2, 1, 2])), node('add', 'Add', ['m', 'c'], f32('y', [2, 1, 2]))],
    };
    expect(tfjsKnownBug('wasm', oneRow)).toBeUndefined();
    expect(tfjsKnownBug('wasm', { ...broadcast, weights: [weight('c', [1], [3])] })).toBeUndefined();
  });
});

/** `model` with nodes replaced by name, `nodes` appended and `outputs` in place of its outputs. */
function variant(model: Model, edit: { nodes?: Node[]; outputs?: string[]; replace?: Record<string, Node> }): Model {
  const nodes = model.nodes.map((n) => edit.replace?.[n.name] ?? n);
  return { ...model, nodes: [...nodes, ...(edit.nodes ?? [])], outputs: edit.outputs ?? model.outputs };
}

const convRelu = variant(convBiasRelu, { replace: { conv: node('conv', 'Conv', ['x', 'w'], f32('c', [1, 4, 6, 6]), CONV) } });

describe('what is not fused', () => {
  const cases: [string, Model, string[]][] = [
    // The Conv's output is needed: it stays a plain Conv, and the Relu a plain Relu.
    ['an intermediate that is a graph output', variant(convRelu, { outputs: ['y', 'c'] }), []],
    ['an intermediate with a second consumer', variant(matMulAddLeaky, { nodes: [node('neg', 'Neg', ['m'], f32('n', [2, 4]))], outputs: ['y', 'n'] }), []],
    // The Add's output has a second reader: MatMul + Add fuse, the LeakyRelu stays.
    ['an activation whose input has a second consumer', variant(matMulAddLeaky, { nodes: [node('neg', 'Neg', ['a'], f32('n', [2, 4]))], outputs: ['y', 'n'] }), ['fused.matMul+bias']],
    ['Clip with bounds other than (0, 6)', {
      ...convRelu,
      weights: [...convRelu.weights, weight('lo', [], [0]), weight('hi', [], [5])],
      nodes: [convRelu.nodes[0]!, node('clip', 'Clip', ['c', 'lo', 'hi'], f32('y', [1, 4, 6, 6]))],
    }, []],
    ['Clip with a lower bound other than 0', {
      ...convRelu,
      weights: [...convRelu.weights, weight('lo', [], [-1]), weight('hi', [], [6])],
      nodes: [convRelu.nodes[0]!, node('clip', 'Clip', ['c', 'lo', 'hi'], f32('y', [1, 4, 6, 6]))],
    }, []],
    ['Elu with alpha other than 1', variant(batchedMatMulElu, { replace: { elu: node('elu', 'Elu', ['a'], f32('y', [2, 3, 4]), { alpha: 0.5 }) } }), ['fused.matMul+bias']],
    ['Gemm with alpha other than 1', variant(gemmSigmoid, { replace: { gemm: node('gemm', 'Gemm', ['x', 'w', 'c'], f32('g', [3, 4]), { transB: 1, alpha: 2 }) } }), []],
    ['a bias that varies along another axis than the channels', {
      ...matMulAddLeaky,
      weights: [weight('w', [5, 4]), weight('b', [2, 1])],
    }, []],
    ['an Add of a non-constant to a Conv', {
      ...convRelu,
      inputs: [...convRelu.inputs, f32('z', [4, 1, 1])],
      nodes: [convRelu.nodes[0]!, node('add', 'Add', ['c', 'z'], f32('y', [1, 4, 6, 6]))],
    }, []],
    ['a batched MatMul whose batches tf.fused.matMul cannot pair', {
      opset: 17,
      inputs: [f32('x', [3, 2, 3]), f32('w', [3, 3, 3, 2])],
      weights: [],
      nodes: [node('mm', 'MatMul', ['x', 'w'], f32('m', [3, 3, 2, 2])), node('relu', 'Relu', ['m'], f32('y', [3, 3, 2, 2]))],
      outputs: ['y'],
    }, []],
    ['a grouped Conv that is not depthwise', {
      ...convRelu,
      inputs: [f32('x', [1, 4, 6, 6])],
      weights: [weight('w', [4, 2, 3, 3])],
      nodes: [node('conv', 'Conv', ['x', 'w'], f32('c', [1, 4, 6, 6]), { ...CONV, group: 2 }), convRelu.nodes[1]!],
    }, []],
  ];
  const cpu = backends.create('tfjs-cpu');
  it.each(cases)('%s', async (_label, model, names) => {
    expect(fusedNames(model)).toEqual(names);
    // What is not fused runs unfused, still like the reference.
    const inputs = inputsOf(model);
    const outcome = await evaluateOnBackend(cpu, { model, onnx: modelToOnnx(model, registry) }, inputs, runReference(model, inputs).outputs);
    expect(outcome.verdict).toMatchObject({ kind: 'ok' });
    expect(outcome.rewrites).toEqual(names);
  }, 60_000);

  it('a Conv with B alone is the fused kernel with its bias; a lone Conv is none', () => {
    expect(fusedNames({ ...convBiasRelu, nodes: [convBiasRelu.nodes[0]!], outputs: ['c'] })).toEqual(['fused.conv2d+bias']);
    expect(fusedNames({ ...convRelu, nodes: [convRelu.nodes[0]!], outputs: ['c'] })).toEqual([]);
  });
});

describe('random models over the ops the fused kernels take', () => {
  it('agree with the reference on tfjs-cpu, fused or not, and some fuse', async () => {
    const cpu = backends.create('tfjs-cpu');
    const ops = ['Conv', 'MatMul', 'Gemm', 'Add', 'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'Elu', 'Clip'];
    let fused = 0;
    for (let seed = 0; seed < 200; seed++) {
      const rng = new Rng(`tfjs-fusion/${seed}`);
      let model: Model;
      try {
        model = (await generateModel({ maxNodes: 4, ops, dtypes: ['float32'] }, registry, rng.fork('model'))).model;
      } catch (e) {
        if (e instanceof GenerationError) continue;
        throw e;
      }
      const inputRng = rng.fork('inputs');
      const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(registry, model, i, inputRng, 1)]));
      const reference = runReference(model, inputs);
      if (firstUntrustedValue(model, reference, registry)) continue;
      const outcome = await evaluateOnBackend(cpu, { model, onnx: modelToOnnx(model, registry) }, inputs, reference.outputs);
      // A recorded tfjs bug (a corpus entry, such as the BatchMatMul broadcasting one) is known.
      if (outcome.knownBug) continue;
      const what = `seed ${seed}: ${model.nodes.map((n) => `${n.op}${JSON.stringify(n.attrs)}(${n.inputs.join(', ')})`).join(' ')}`;
      expect(['ok', 'unsupported'], `${what}: ${outcome.verdict.message ?? ''}`).toContain(outcome.verdict.kind);
      if (outcome.verdict.kind === 'ok' && (outcome.rewrites ?? []).length > 0) fused++;
    }
    expect(fused).toBeGreaterThan(10);
  }, 120_000);
});

describe('fused kernels in rewrite coverage', () => {
  it('come back from the worker process of an isolated tfjs SUT, one name per kind', async () => {
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [1, 3, 6, 6]), f32('x2', [2, 5])],
      weights: [...convBiasRelu.weights, weight('w2', [4, 3, 3, 3]), weight('b2', [4]), ...matMulAddLeaky.weights.map((w) => ({ ...w, name: `${w.name}3` }))],
      nodes: [
        ...convBiasRelu.nodes,
        node('conv2', 'Conv', ['x', 'w2', 'b2'], f32('c2', [1, 4, 6, 6]), CONV),
        node('relu2', 'Relu', ['c2'], f32('y2', [1, 4, 6, 6])),
        node('mm', 'MatMul', ['x2', 'w3'], f32('m', [2, 4])),
        node('add', 'Add', ['b3', 'm'], f32('a', [2, 4])),
        node('leaky', 'LeakyRelu', ['a'], f32('y3', [2, 4]), { alpha: 0.1 }),
      ],
      outputs: ['y', 'y2', 'y3'],
    };
    const sut = isolate(backends.create('tfjs-cpu'), { builtin: 'tfjs-cpu' }, { timeoutMs: 60_000, memoryLimitMb: 2000 });
    try {
      const inputs = inputsOf(model);
      const outcome = await evaluateOnBackend(sut, { model, onnx: modelToOnnx(model, registry) }, inputs, runReference(model, inputs).outputs);
      expect(outcome.verdict).toMatchObject({ kind: 'ok' });
      expect(outcome.rewrites).toEqual(['fused.conv2d+bias+relu', 'fused.matMul+bias+leakyrelu']);
    } finally {
      sut.close();
    }
  }, 60_000);
});
