import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { modelToOnnx } from '../export/to-onnx.js';
import { generate, type GeneratorConfig, type GeneratorMethod } from '../generator/generate.js';
import { Rng, testSeed } from '../generator/rng.js';
import { randomTensor } from '../generator/values.js';
import { untrustedRun, type UntrustedValue } from '../inputsearch/clean.js';
import { searchInputs } from '../inputsearch/search.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference } from '../reference-runtime/executor.js';

/** How a test's inputs and weights are chosen: searched within a budget, or drawn at random once. */
export type InputChoice = { readonly search: true; readonly budgetMs: number; readonly maxSteps?: number } | { readonly search: false };

/** The default: NNSmith-style gradient search with a 50 ms budget per test. */
export const DEFAULT_INPUT_CHOICE: InputChoice = { search: true, budgetMs: 50 };

export interface TestCase {
  readonly seed: string;
  /** The model as tested: the generated one with the data weights the input search chose. */
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: Map<string, Tensor>;
  /** Reference outputs, by graph output name. */
  readonly expected: Map<string, Tensor>;
  /** Set when no tried input keeps every value finite: the test cannot judge a SUT. */
  readonly untrusted?: UntrustedValue;
  readonly generateMs: number;
  /** Time spent choosing inputs and weights. */
  readonly inputMs: number;
}

/**
 * Test number `index` of a campaign: the model, its ONNX bytes, inputs and the reference's outputs.
 * A pure function of (seed, index, config), except that a search whose budget runs out on a slower
 * machine gives up where a faster one would have succeeded: the test is then discarded, never
 * judged on different values. The case folder keeps the exact model and inputs either way.
 */
export async function makeTestCase(args: {
  seed: string | number;
  index: number;
  config: GeneratorConfig & { method?: GeneratorMethod };
  registry: OpRegistry;
  inputs?: InputChoice;
}): Promise<TestCase> {
  const seed = testSeed(args.seed, args.index);
  const rng = new Rng(seed);
  const t0 = performance.now();
  const generated = (await generate(args.config, args.registry, rng.fork('model'))).model;
  const generateMs = performance.now() - t0;
  const choice = args.inputs ?? DEFAULT_INPUT_CHOICE;
  const inputRng = rng.fork('inputs');
  const t1 = performance.now();
  let model = generated;
  let inputs: Map<string, Tensor>;
  let expected: Map<string, Tensor>;
  let untrusted: UntrustedValue | undefined;
  if (choice.search) {
    const found = searchInputs(generated, inputRng, {
      registry: args.registry,
      budgetMs: choice.budgetMs,
      ...(choice.maxSteps !== undefined ? { maxSteps: choice.maxSteps } : {}),
    });
    ({ model, inputs, untrusted } = found);
    expected = found.run.outputs;
  } else {
    inputs = new Map(model.inputs.map((i) => [i.name, randomTensor(inputRng, i.dtype, i.shape)]));
    const run = runReference(model, inputs, { registry: args.registry });
    expected = run.outputs;
    untrusted = untrustedRun(model, inputs, run, args.registry);
  }
  const inputMs = performance.now() - t1;
  const onnx = modelToOnnx(model, args.registry);
  return { seed, model, onnx, inputs, expected, generateMs, inputMs, ...(untrusted ? { untrusted } : {}) };
}
