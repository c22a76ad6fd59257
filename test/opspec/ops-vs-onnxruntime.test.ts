import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviationInputs, matchingDeviation } from '../../src/backends/onnxruntime-deviations.js';
import { ortMissingTypes } from '../../src/backends/onnxruntime-support.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { drawInput, singleOpModel } from '../../src/generator/single-op.js';
import { propertySeed } from '../support/property-seed.js';

const registry = builtinRegistry();
const ort = builtinBackends().create('ort-disabled');
const RUNS = 12;

/**
 * Per op and dtype: random valid single-op instances (shapes and attributes drawn by the generator
 * within the spec's constraints) exported to ONNX, run on ort-disabled, and compared with the
 * reference by the campaign's own oracle.
 */
describe('every op agrees with onnxruntime (ort-disabled)', () => {
  const cases = registry.all().flatMap((spec) => spec.dtypes.map((dtype) => ({ spec, dtype })));
  it.each(cases.map((c) => [`${c.spec.name}-${c.spec.sinceVersion} ${c.dtype}`, c] as const))('%s', async (label, { spec, dtype }) => {
    if (ortMissingTypes(spec.name, spec.sinceVersion).includes(dtype)) {
      console.log(`${spec.name} ${dtype}: onnxruntime has no CPU kernel (listed in ORT_CPU_UNSUPPORTED or ORT_CPU_UNSUPPORTED_BEFORE)`);
      return;
    }
    let judged = 0;
    let explained = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`${spec.name}/${dtype}/${seed}`);
        // A draw the generator could not complete is no instance.
        const model = await singleOpModel(registry, spec, dtype, rng);
        if (!model) return;
        const node = model.nodes[0]!;
        const deviation = matchingDeviation(node, deviationInputs(model, node));
        if (deviation) {
          explained++;
          console.log(`${spec.name} ${dtype} ${JSON.stringify(node.attrs)}: known onnxruntime deviation: ${deviation.reason}`);
          return;
        }
        const inputRng = rng.fork('inputs');
        for (const range of [2, 1, 0.5]) {
          const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(registry, model, i, inputRng, range)]));
          const reference = runReference(model, inputs);
          if (firstUntrustedValue(model, reference, registry)) continue;
          const outcome = await evaluateOnBackend(ort, { model, onnx: modelToOnnx(model, registry) }, inputs, reference.outputs);
          judged++;
          expect(outcome.verdict, `${spec.name} ${dtype} ${JSON.stringify(node.attrs)} shapes ${JSON.stringify(model.inputs.map((i) => i.shape))}`).toMatchObject({ kind: 'ok' });
          return;
        }
      }),
      { numRuns: RUNS, seed: propertySeed(label) },
    );
    expect(judged + explained, `${spec.name} ${dtype}: no instance was judged or explained by a known deviation`).toBeGreaterThan(0);
  });
});
