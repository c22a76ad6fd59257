import type { BackendAdapter } from '../backends/adapter.js';
import { unsupportedNode } from '../backends/adapter.js';
import { modelToOnnx } from '../export/to-onnx.js';
import { validateModel } from '../opspec/validate.js';
import type { Model } from '../ir/model.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference } from '../reference-runtime/executor.js';
import { generate, type GeneratorConfig, type GeneratorMethod } from '../generator/generate.js';
import { Rng, testSeed } from '../generator/rng.js';
import { drawInput } from '../generator/single-op.js';

export interface GenerationStats {
  readonly models: number;
  readonly opHistogram: Record<string, number>;
  readonly dtypeHistogram: Record<string, number>;
  readonly rankHistogram: Record<string, number>;
  /** Rewrite patterns inserted whole, by name (near misses as `pattern~shared`...). */
  readonly patternHistogram: Record<string, number>;
  /** Per op and attribute: how often each value was generated (lists are shown joined). */
  readonly attributeValues: Record<string, Record<string, Record<string, number>>>;
  /** Per node count: how many models had it. */
  readonly nodesPerModel: Record<string, number>;
  readonly modelsWithMerges: number;
  /** Failed insertion attempts by reason, and models that could not be generated at all. */
  readonly insertionFailures: Record<string, number>;
  readonly generationErrors: Record<string, number>;
  readonly invalid: number;
  readonly referenceErrors: number;
  /** When an adapter is given: models it loaded, and those skipped as unsupported or known deviations. */
  readonly loaded?: number;
  readonly loadSkipped?: number;
  readonly loadErrors?: Record<string, number>;
  readonly solverChecksPerModel: number;
  readonly msPerModel: number;
}

const bump = (h: Record<string, number>, key: string, by = 1) => {
  h[key] = (h[key] ?? 0) + by;
};

/**
 * The model with each data weight that an op's domain rule applies to redrawn inside the rule, as
 * the input search would make it before any test runs: an integer divisor of 0 in an initializer
 * is a test no runtime should load (onnxruntime refuses it at session creation), not a bad model.
 */
function withDomainWeights(model: Model, registry: OpRegistry, rng: Rng): Model {
  const ruled = new Set(model.nodes.flatMap((n) => (registry.get(n.op, model.opset).domain ?? []).map((r) => n.inputs[r.input])));
  const weights = model.weights.map((w) =>
    w.fixed === true || !ruled.has(w.name) ? w : { ...w, value: drawInput(registry, model, { name: w.name, dtype: w.value.dtype, shape: w.value.shape }, rng, 2) },
  );
  return { ...model, weights };
}

function hasMerge(model: Model): boolean {
  const produced = new Set(model.nodes.flatMap((n) => n.outputs.map((o) => o.name)));
  return model.nodes.some((n) => n.inputs.filter((i) => produced.has(i)).length >= 2);
}

/**
 * Generates the models of seeds (seed, 0..count-1) and tallies what came out: op, dtype and rank
 * histograms, attribute values, sizes, merges and every failure; each model is validated and run
 * on the reference, and, when an adapter is given, loaded by it.
 */
export async function generationStats(args: {
  seed: string;
  count: number;
  config: GeneratorConfig & { method?: GeneratorMethod };
  registry: OpRegistry;
  loadWith?: BackendAdapter;
}): Promise<GenerationStats> {
  const stats = {
    models: 0,
    opHistogram: {} as Record<string, number>,
    dtypeHistogram: {} as Record<string, number>,
    rankHistogram: {} as Record<string, number>,
    patternHistogram: {} as Record<string, number>,
    attributeValues: {} as Record<string, Record<string, Record<string, number>>>,
    nodesPerModel: {} as Record<string, number>,
    modelsWithMerges: 0,
    insertionFailures: {} as Record<string, number>,
    generationErrors: {} as Record<string, number>,
    invalid: 0,
    referenceErrors: 0,
    ...(args.loadWith ? { loaded: 0, loadSkipped: 0, loadErrors: {} as Record<string, number> } : {}),
  };
  let checks = 0;
  const start = performance.now();
  for (let i = 0; i < args.count; i++) {
    const rng = new Rng(testSeed(args.seed, i));
    let result;
    try {
      result = await generate(args.config, args.registry, rng);
    } catch (e) {
      bump(stats.generationErrors, (e as Error).message.slice(0, 200));
      continue;
    }
    const { model } = result;
    stats.models++;
    checks += result.solverChecks;
    for (const [reason, n] of result.failures) bump(stats.insertionFailures, reason.replace(/ \(.*$/, ''), n);
    bump(stats.nodesPerModel, String(model.nodes.length));
    for (const pattern of result.patterns) bump(stats.patternHistogram, pattern);
    if (hasMerge(model)) stats.modelsWithMerges++;
    for (const node of model.nodes) {
      bump(stats.opHistogram, node.op);
      for (const o of node.outputs) {
        bump(stats.dtypeHistogram, o.dtype);
        bump(stats.rankHistogram, String(o.shape.length));
      }
      const perOp = (stats.attributeValues[node.op] ??= {});
      for (const [name, value] of Object.entries(node.attrs)) bump((perOp[name] ??= {}), Array.isArray(value) ? value.join(',') : String(value));
    }
    try {
      validateModel(model, args.registry);
    } catch {
      stats.invalid++;
      continue;
    }
    const tested = withDomainWeights(model, args.registry, rng.fork('weights'));
    try {
      const inputRng = rng.fork('inputs');
      runReference(tested, new Map(tested.inputs.map((i) => [i.name, drawInput(args.registry, tested, i, inputRng, 2)])), { registry: args.registry });
    } catch {
      stats.referenceErrors++;
    }
    if (args.loadWith) {
      if (unsupportedNode(args.loadWith, tested) || args.loadWith.knownDeviation?.(tested)) {
        stats.loadSkipped!++;
        continue;
      }
      try {
        const prepared = await args.loadWith.prepare({ model: tested, onnx: modelToOnnx(tested, args.registry) });
        await args.loadWith.release?.(prepared);
        stats.loaded!++;
      } catch (e) {
        bump(stats.loadErrors!, (e as Error).message.split('\n')[0]!.slice(0, 200));
      }
    }
  }
  return { ...stats, solverChecksPerModel: checks / Math.max(1, stats.models), msPerModel: (performance.now() - start) / Math.max(1, args.count) };
}
