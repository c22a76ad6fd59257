import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../src/backends/adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { tfjsMatMulBatchesPair } from '../../src/backends/tfjs/deviations.js';
import { TFJS_OPS } from '../../src/backends/tfjs/support.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generateModel, GenerationError } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import type { DType } from '../../src/ir/dtype.js';
import { DEFAULT_OPSET, type Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { drawInput } from '../../src/generator/single-op.js';
import { webGpuSkipReason } from '../support/webgpu-availability.js';

const registry = builtinRegistry();
const backends = builtinBackends();
const tfjsCpu = backends.create('tfjs-cpu');
const RUNS = 10;


/** Judges random models of the given config on a tfjs adapter; returns how many were judged ok and how many unsupported. */
async function judge(
  adapterName: string,
  config: { maxNodes: number; ops?: string[]; dtypes: DType[]; opset: number },
  seeds: number,
  label: string,
): Promise<{ ok: number; unsupported: number }> {
  const adapter = adapterName === 'tfjs-cpu' ? tfjsCpu : backends.create(adapterName);
  let ok = 0;
  let unsupported = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const rng = new Rng(`tfjs/${label}/${seed}`);
    let model: Model;
    try {
      model = (await generateModel(config, registry, rng.fork('model'))).model;
    } catch (e) {
      if (e instanceof GenerationError) continue;
      throw e;
    }
    const inputRng = rng.fork('inputs');
    for (const range of [2, 1, 0.5]) {
      const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(registry, model, i, inputRng, range)]));
      const reference = runReference(model, inputs);
      if (firstUntrustedValue(model, reference, registry)) continue;
      const outcome = await evaluateOnBackend(adapter, { model, onnx: modelToOnnx(model, registry) }, inputs, reference.outputs);
      // A recorded tfjs bug (a corpus entry) is known, not judged again: counted with what tfjs does not do right.
      if (outcome.knownBug) {
        unsupported++;
        break;
      }
      const what = `${label} seed ${seed}: ${model.nodes.map((n) => `${n.op}${JSON.stringify(n.attrs)}`).join(' ')} shapes ${JSON.stringify(model.inputs.map((i) => i.shape))}`;
      expect(['ok', 'unsupported'], `${what}: ${JSON.stringify(outcome.verdict)}`).toContain(outcome.verdict.kind);
      if (outcome.verdict.kind === 'ok') ok++;
      else unsupported++;
      break;
    }
  }
  return { ok, unsupported };
}

describe('tfjs-cpu agrees with the reference on every op it claims', () => {
  const cases = registry
    .all()
    .filter((spec) => TFJS_OPS[spec.name])
    .flatMap((spec) => spec.dtypes.filter((d) => TFJS_OPS[spec.name]!.dtypes.includes(d)).map((dtype) => ({ spec, dtype })));
  it.each(cases.map((c) => [`${c.spec.name}-${c.spec.sinceVersion} ${c.dtype}`, c] as const))('%s', async (label, { spec, dtype }) => {
    const opset = Math.max(DEFAULT_OPSET, spec.sinceVersion);
    const { ok } = await judge('tfjs-cpu', { maxNodes: 1, ops: [spec.name], dtypes: [dtype], opset }, RUNS, label);
    // Most draws must be judged (a claimed op that is always unsupported claims nothing).
    if (ok === 0) console.log(`${label}: no instance was judged ok (all unsupported or untrusted)`);
  }, 60_000);
});

describe('tfjs-cpu on larger models', () => {
  it('10-node float32 models over the supported ops agree with the reference', async () => {
    const ops = Object.keys(TFJS_OPS);
    const { ok } = await judge('tfjs-cpu', { maxNodes: 10, ops, dtypes: ['float32'], opset: DEFAULT_OPSET }, 20, '10-node');
    expect(ok).toBeGreaterThan(0);
  }, 120_000);
});

describe('tfjs static support', () => {
  it('rejects float64 and int64, and unmapped ops', () => {
    expect(tfjsCpu.supports('Add', ['float32', 'float32'])).toBe(true);
    expect(tfjsCpu.supports('Add', ['float64', 'float64'])).toBe(false);
    expect(tfjsCpu.supports('Add', ['int64', 'int64'])).toBe(false);
    expect(tfjsCpu.supports('Gather', ['float32', 'int64'])).toBe(true);
    expect(tfjsCpu.supports('Resize', ['float32'])).toBe(false);
    const model: Model = {
      opset: DEFAULT_OPSET,
      inputs: [{ name: 'x', dtype: 'float64', shape: [2] }],
      weights: [],
      nodes: [{ name: 'r', op: 'Relu', inputs: ['x'], outputs: [{ name: 'y', dtype: 'float64', shape: [2] }], attrs: {} }],
      outputs: ['y'],
    };
    expect(unsupportedNode(tfjsCpu, model)).toBe('Relu(float64)');
  });
});

describe('recorded tfjs deviations', () => {
  it('tells the MatMul batch broadcasts tfjs gets right from those it gets wrong', () => {
    expect(tfjsMatMulBatchesPair([2, 3], [3, 4])).toBe(true);
    expect(tfjsMatMulBatchesPair([5, 2, 3], [3, 4])).toBe(true);
    expect(tfjsMatMulBatchesPair([7, 5, 2, 3], [5, 3, 4])).toBe(true);
    expect(tfjsMatMulBatchesPair([1, 5, 2, 3], [7, 1, 3, 4])).toBe(false);
    expect(tfjsMatMulBatchesPair([3, 4, 2, 3], [3, 1, 3, 4])).toBe(false);
    expect(tfjsMatMulBatchesPair([7, 1, 3], [3, 1, 3, 3])).toBe(false);
  });

  it('the BatchMatMul broadcasting bug is still in tfjs (corpus/tfjs-batchmatmul-batch-broadcast; drop its deviation when this fails)', async () => {
    const model: Model = {
      opset: DEFAULT_OPSET,
      inputs: [
        { name: 'a', dtype: 'float32', shape: [2, 2, 1, 1] },
        { name: 'b', dtype: 'float32', shape: [2, 1, 1, 1] },
      ],
      weights: [],
      nodes: [{ name: 'm', op: 'MatMul', inputs: ['a', 'b'], outputs: [{ name: 'y', dtype: 'float32', shape: [2, 2, 1, 1] }], attrs: {} }],
      outputs: ['y'],
    };
    expect(tfjsCpu.knownBug?.(model)?.corpus).toBe('tfjs-batchmatmul-batch-broadcast');
    const prepared = await tfjsCpu.prepare({ model, onnx: modelToOnnx(model, registry) });
    const out = await tfjsCpu.run(prepared, new Map([['a', makeTensor('float32', [2, 2, 1, 1], [1, 1, 1, 1])], ['b', makeTensor('float32', [2, 1, 1, 1], [10, 20])]]));
    // ONNX (numpy) gives [10, 10, 20, 20].
    expect(Array.from(out.get('y')!.data)).toEqual([10, 20, 10, 20]);
  });
});

const SMALL: Model = {
  opset: DEFAULT_OPSET,
  inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2, 4, 4] }],
  weights: [{ name: 'w', value: makeTensor('float32', [3, 2, 3, 3], Array.from({ length: 54 }, (_, i) => ((i % 7) - 3) / 4)) }],
  nodes: [
    { name: 'c', op: 'Conv', inputs: ['x', 'w'], outputs: [{ name: 'c', dtype: 'float32', shape: [1, 3, 4, 4] }], attrs: { pads: [1, 1, 1, 1] } },
    { name: 'r', op: 'Relu', inputs: ['c'], outputs: [{ name: 'r', dtype: 'float32', shape: [1, 3, 4, 4] }], attrs: {} },
    { name: 's', op: 'ReduceSum', inputs: ['r'], outputs: [{ name: 'y', dtype: 'float32', shape: [1, 1, 1, 1] }], attrs: {} },
  ],
  outputs: ['y', 'r'],
};

const webGpuSkip = await webGpuSkipReason();

describe.each(['tfjs-wasm', 'tfjs-webgpu'])('%s', (name) => {
  it.skipIf(name === 'tfjs-webgpu' && webGpuSkip !== undefined)('runs a small Conv/Relu/ReduceSum model like the reference', async () => {
    const adapter = backends.create(name);
    const inputs = new Map([['x', makeTensor('float32', [1, 2, 4, 4], Array.from({ length: 32 }, (_, i) => Math.sin(i)))]]);
    const expected = runReference(SMALL, inputs).outputs;
    const outcome = await evaluateOnBackend(adapter, { model: SMALL, onnx: modelToOnnx(SMALL, registry) }, inputs, expected);
    expect(outcome.verdict).toMatchObject({ kind: 'ok' });
  }, 60_000);
});
