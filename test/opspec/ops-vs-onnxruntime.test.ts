import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchingDeviation } from '../../src/backends/onnxruntime-deviations.js';
import { ORT_CPU_UNSUPPORTED } from '../../src/backends/onnxruntime-support.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { evaluateOnBackend } from '../../src/campaign/evaluate.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generateModel, GenerationError } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { randomTensor } from '../../src/generator/values.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import type { DType } from '../../src/ir/dtype.js';
import { DEFAULT_OPSET, type Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const ort = builtinBackends().create('ort-disabled');
const RUNS = 12;

/**
 * Random values like randomTensor's, moved into the domain rules of the ops the input feeds (Acosh
 * wants x >= 1, Log x >= 1e-3...) so that domain-restricted ops get judged at all.
 */
function drawInput(model: Model, info: { name: string; dtype: DType; shape: readonly number[] }, rng: Rng, range: number): Tensor {
  const t = randomTensor(rng, info.dtype, info.shape, range);
  if (info.dtype === 'bool') return t;
  const isInt = info.dtype === 'int32' || info.dtype === 'int64';
  const drawn = isInt ? Math.ceil(range * 2) : range;
  let lo = -drawn;
  let hi = drawn;
  for (const node of model.nodes) {
    for (const rule of registry.get(node.op, model.opset).domain ?? []) {
      if (node.inputs[rule.input] !== info.name) continue;
      if (rule.min !== undefined) lo = Math.max(lo, rule.min);
      if (rule.max !== undefined) hi = Math.min(hi, rule.max);
    }
  }
  if (lo === -drawn && hi === drawn) return t;
  if (lo > hi) hi = lo + drawn;
  const moved = Array.from(t.data, (x) => lo + ((x + drawn) / (2 * drawn)) * (hi - lo));
  return makeTensor(info.dtype, info.shape, isInt ? moved.map((x) => Math.min(Math.max(Math.round(x), Math.ceil(lo)), Math.floor(hi))) : moved);
}

/**
 * Per op and dtype: random valid single-op instances (shapes and attributes drawn by the generator
 * within the spec's constraints) exported to ONNX, run on ort-disabled, and compared with the
 * reference by the campaign's own oracle.
 */
describe('every op agrees with onnxruntime (ort-disabled)', () => {
  const cases = registry.all().flatMap((spec) => spec.dtypes.map((dtype) => ({ spec, dtype })));
  it.each(cases.map((c) => [`${c.spec.name}-${c.spec.sinceVersion} ${c.dtype}`, c] as const))('%s', async (_label, { spec, dtype }) => {
    if (ORT_CPU_UNSUPPORTED[spec.name]?.includes(dtype)) {
      console.log(`${spec.name} ${dtype}: onnxruntime has no CPU kernel (listed in ORT_CPU_UNSUPPORTED)`);
      return;
    }
    const opset = Math.max(DEFAULT_OPSET, spec.sinceVersion);
    let judged = 0;
    let explained = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`${spec.name}/${dtype}/${seed}`);
        let model: Model;
        try {
          model = (await generateModel({ maxNodes: 1, ops: [spec.name], dtypes: [dtype], opset }, registry, rng.fork('model'))).model;
        } catch (e) {
          // A draw the random generator could not complete is no instance; the judged/explained
          // count below still makes sure the op is exercised.
          if (e instanceof GenerationError) return;
          throw e;
        }
        const node = model.nodes[0]!;
        const deviation = matchingDeviation(node, dtype);
        if (deviation) {
          explained++;
          console.log(`${spec.name} ${dtype} ${JSON.stringify(node.attrs)}: known onnxruntime deviation: ${deviation.reason}`);
          return;
        }
        const inputRng = rng.fork('inputs');
        for (const range of [2, 1, 0.5]) {
          const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(model, i, inputRng, range)]));
          const reference = runReference(model, inputs);
          if (firstUntrustedValue(model, reference.values, registry)) continue;
          const outcome = await evaluateOnBackend(ort, { model, onnx: modelToOnnx(model, registry) }, inputs, reference.outputs);
          judged++;
          expect(outcome.verdict, `${spec.name} ${dtype} ${JSON.stringify(node.attrs)} shapes ${JSON.stringify(model.inputs.map((i) => i.shape))}`).toMatchObject({ kind: 'ok' });
          return;
        }
      }),
      { numRuns: RUNS },
    );
    expect(judged + explained, `${spec.name} ${dtype}: no instance was judged or explained by a known deviation`).toBeGreaterThan(0);
  });
});
