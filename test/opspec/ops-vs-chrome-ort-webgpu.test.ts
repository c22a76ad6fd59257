import { DEFAULT_OPSET } from '../../src/ir/model.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsolatedAdapter } from '../../src/backends/isolation/isolated-adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { CORE_DTYPES, type DType } from '../../src/ir/dtype.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { Rng } from '../../src/generator/rng.js';
import { drawInput, singleOpModel } from '../../src/generator/single-op.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { browserSkipReason } from '../support/browser-availability.js';
import { propertySeed } from '../support/property-seed.js';

const skip = browserSkipReason();
if (skip) console.log(`per-op tests of chrome-ort-webgpu skipped: ${skip}`);

const registry = builtinRegistry();

/**
 * Instances per op x dtype, the same each run (see propertySeed): each model compiles its shaders on SwiftShader,
 * so the suite draws a few (35-60 s for all on 2 cores, by load) and bench/ops-browser.mjs sweeps deep.
 * float64 gets one: the provider has no float64 kernel, so it only checks that this stays a gap.
 */
const RUNS: Partial<Record<DType, number>> = { float32: 8, int32: 3, int64: 3, bool: 3 };
const DEFAULT_RUNS = 1;
const SUITE_DTYPES: readonly DType[] = [...CORE_DTYPES, 'float16'];

/**
 * Per op and dtype: random valid single-op instances, as test/opspec/ops-vs-onnxruntime.test.ts
 * draws them, run on onnxruntime-web's WebGPU provider in one Chromium page and judged by the
 * campaign's own oracle (WGSL's precision, known deviations and capability gaps as unsupported,
 * recorded bugs as known). A departure not recorded in src/backends/browser/ort-webgpu-deviations.ts fails.
 */
describe.skipIf(skip !== undefined)('every op agrees with onnxruntime-web on WebGPU (chrome-ort-webgpu)', () => {
  let sut: IsolatedAdapter;
  // One page serves every op; it (3.5 s) and the provider's device open before the first op's clock starts.
  beforeAll(async () => {
    sut = builtinBackends().createIsolated('chrome-ort-webgpu', { timeoutMs: 60_000, memoryLimitMb: 8192 });
    await sut.describe();
  }, 120_000);
  afterAll(() => sut?.close());

  // The versions in force from the default opset (17) on, in tensorsmith's first five dtypes and
  // float16: a page compiles every shader on SwiftShader, and the suite cannot afford every version
  // and dtype (bench/ops-browser.mjs takes --dtypes for the others).
  const cases = registry
    .all()
    .filter((spec) => (spec.supersededAt ?? Infinity) > DEFAULT_OPSET)
    .flatMap((spec) => spec.dtypes.filter((d) => SUITE_DTYPES.includes(d)).map((dtype) => ({ spec, dtype })));
  it.each(cases.map((c) => [`${c.spec.name}-${c.spec.sinceVersion} ${c.dtype}`, c] as const))('%s', async (label, { spec, dtype }) => {
    let judged = 0;
    let unjudged = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`${spec.name}/${dtype}/${seed}`);
        const model = await singleOpModel(registry, spec, dtype, rng);
        if (!model) return;
        const inputRng = rng.fork('inputs');
        for (const range of [2, 1, 0.5]) {
          const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(registry, model, i, inputRng, range)]));
          const reference = runReference(model, inputs);
          if (firstUntrustedValue(model, reference, registry)) continue;
          const { verdict, knownBug } = await evaluateOnBackend(sut, { model, onnx: modelToOnnx(model, registry) }, inputs, reference.outputs);
          // A recorded bug of the provider (a corpus entry) is no new departure.
          if (verdict.kind === 'unsupported' || knownBug) {
            if (knownBug) sut.restart();
            unjudged++;
            return;
          }
          judged++;
          // As a campaign does: the next test gets a fresh page, not one a failure may have broken.
          if (verdict.kind !== 'ok') sut.restart();
          const node = model.nodes[0]!;
          expect(verdict, `${spec.name} ${dtype} ${JSON.stringify(node.attrs)} shapes ${JSON.stringify(model.inputs.map((i) => i.shape))}`).toMatchObject({ kind: 'ok' });
          return;
        }
      }),
      // A shrunk seed is just another instance, each one more shader compile: no shrinking.
      { numRuns: RUNS[dtype] ?? DEFAULT_RUNS, endOnFailure: true, seed: propertySeed(label) },
    );
    // Few runs: a pair may draw no instance the reference trusts this time, which is no failure.
    if (judged + unjudged === 0) console.log(`${spec.name} ${dtype}: no instance drawn this run`);
  });
});
