import { DEFAULT_OPSET } from '../../../src/ir/model.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/generator/rng.js';
import { untrustedRun } from '../../../src/inputsearch/clean.js';
import type { DType } from '../../../src/ir/dtype.js';
import { outputInfos } from '../../../src/ir/model.js';
import { builtinRegistry } from '../../../src/opspec/ops/index.js';
import { compareOutputs } from '../../../src/oracles/compare.js';
import { toleranceDtypes } from '../../../src/oracles/precision.js';
import { runReference } from '../../../src/reference-runtime/executor.js';
import { acquireGpu } from '../../../src/reference-runtime/webgpu/device.js';
import { webGpuKernels } from '../../../src/reference-runtime/webgpu/kernels/index.js';
import { WebGpuRuntime } from '../../../src/reference-runtime/webgpu/runtime.js';
import { drawInput, singleOpModel } from '../../../src/generator/single-op.js';
import { webGpuSkipReason } from '../../support/webgpu-availability.js';

const registry = builtinRegistry();
const kernels = webGpuKernels();
const RUNS = Number(process.env.WEBGPU_RUNS ?? 8);
const GPU_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];
let runtime: WebGpuRuntime;
const skipReason = await webGpuSkipReason();
if (skipReason) console.warn(`WebGPU kernel tests skipped: ${skipReason}`);

beforeAll(async () => {
  if (skipReason) return;
  const gpu = await acquireGpu();
  if (!('device' in gpu)) throw new Error(`no WebGPU adapter: ${gpu.reason}`);
  runtime = new WebGpuRuntime(gpu.device, gpu.adapterName, kernels, registry);
});

/**
 * Per op with a WebGPU kernel and per dtype WGSL holds: random valid single-op instances, run on the
 * GPU and on the float64 CPU kernels, judged by the campaign's own oracle (float32 tolerance).
 */
describe.skipIf(skipReason !== undefined)('WebGPU kernels agree with the CPU kernels', () => {
  // The versions in force from the default opset (17) on, to keep the suite's time: the older ones'
  // semantics are judged on the CPU (conformance, test/reference-runtime/old-opsets.test.ts); their
  // WGSL paths (Clip-6's attributes, Pad-2's, the 2-D Softmax) are not checked here.
  const cases = registry
    .all()
    .filter((spec) => (spec.supersededAt ?? Infinity) > DEFAULT_OPSET && kernels.find(spec.name))
    .flatMap((spec) => spec.dtypes.filter((d) => GPU_DTYPES.includes(d)).map((dtype) => ({ spec, dtype })));
  it.each(cases.map((c) => [`${c.spec.name}-${c.spec.sinceVersion} ${c.dtype}`, c] as const))('%s', async (_label, { spec, dtype }) => {
    let judged = 0;
    const skipped = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`webgpu/${spec.name}/${dtype}/${seed}`);
        // A draw the generator could not complete is no instance.
        const model = await singleOpModel(registry, spec, dtype, rng);
        if (!model) return;
        const reason = runtime.unsupported(model);
        if (reason) {
          skipped.add(reason);
          return;
        }
        const inputRng = rng.fork('inputs');
        const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(registry, model, i, inputRng, 1)]));
        const reference = runReference(model, inputs, { registry });
        if (untrustedRun(model, inputs, reference, registry)) return;
        const actual = await runtime.run(model, inputs);
        const verdict = compareOutputs({ backend: 'ref-webgpu', outputs: outputInfos(model), expected: reference.outputs, actual, toleranceDtypes: toleranceDtypes(model) });
        judged++;
        expect(verdict, `${spec.name} ${dtype} ${JSON.stringify(model.nodes[0]!.attrs)} shapes ${JSON.stringify(model.inputs.map((i) => i.shape))}`).toMatchObject({ kind: 'ok' });
      }),
      { numRuns: RUNS },
    );
    if (judged === 0) console.log(`${spec.name} ${dtype}: not judged on WebGPU (${[...skipped].join('; ') || 'no trusted instance'})`);
  });
});
