import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { modelToOnnx } from '../export/to-onnx.js';
import { generate, type GeneratorConfig, type GeneratorMethod } from '../generator/generate.js';
import { Rng, testSeed } from '../generator/rng.js';
import { randomTensor } from '../generator/values.js';
import { firstUntrustedValue, type UntrustedValue } from '../inputsearch/clean.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference } from '../reference-runtime/executor.js';

export interface TestCase {
  readonly seed: string;
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: Map<string, Tensor>;
  /** Reference outputs, by graph output name. */
  readonly expected: Map<string, Tensor>;
  /** Set when no tried input keeps every value finite: the test cannot judge a SUT. */
  readonly untrusted?: UntrustedValue;
  readonly generateMs: number;
}

/** Input magnitudes tried in turn until the reference computes no NaN/Inf. */
const INPUT_RANGES = [2, 1, 0.5];

/**
 * Test number `index` of a campaign: the model, its ONNX bytes, inputs and the reference's outputs.
 * A pure function of (seed, index, config).
 */
export async function makeTestCase(args: {
  seed: string | number;
  index: number;
  config: GeneratorConfig & { method?: GeneratorMethod };
  registry: OpRegistry;
}): Promise<TestCase> {
  const seed = testSeed(args.seed, args.index);
  const rng = new Rng(seed);
  const t0 = performance.now();
  const { model } = await generate(args.config, args.registry, rng.fork('model'));
  const onnx = modelToOnnx(model, args.registry);
  const generateMs = performance.now() - t0;
  const inputRng = rng.fork('inputs');
  let inputs = new Map<string, Tensor>();
  let expected = new Map<string, Tensor>();
  let untrusted: UntrustedValue | undefined;
  for (const range of INPUT_RANGES) {
    inputs = new Map(model.inputs.map((i) => [i.name, randomTensor(inputRng, i.dtype, i.shape, range)]));
    const run = runReference(model, inputs, { registry: args.registry });
    expected = run.outputs;
    untrusted = firstUntrustedValue(model, run.values, args.registry);
    if (!untrusted) break;
  }
  return { seed, model, onnx, inputs, expected, generateMs, ...(untrusted ? { untrusted } : {}) };
}
