import type { Rng } from '../src/generator/rng.js';
import { searchableLeaves, type SearchLeaf } from '../src/inputsearch/leaves.js';
import type { DType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/model.js';
import { makeTensor, type Tensor } from '../src/ir/tensor.js';
import type { OpRegistry } from '../src/opspec/registry.js';
import type { DomainRule, OpSpec } from '../src/opspec/spec.js';
import { runReference, type ReferenceResult } from '../src/reference-runtime/executor.js';
import { drawInput, singleOpModel } from '../src/generator/single-op.js';

/** How many random instances each numeric-fact property draws per op version (NUMERIC_RUNS=200 for a thorough run). */
export const NUMERIC_RUNS = Number(process.env.NUMERIC_RUNS ?? 10);

/** A random single-op instance and values for its data leaves (inputs and data weights, not shapes or indices). */
export interface Instance {
  readonly model: Model;
  readonly leaves: readonly SearchLeaf[];
  readonly values: Map<string, Tensor>;
}

/**
 * A single-op instance of the spec (the draw the per-op tests use) with its data leaves drawn as
 * drawInput draws them (within the op's domain rules), or undefined for a draw the generator could
 * not complete.
 */
export async function drawInstance(registry: OpRegistry, spec: OpSpec, dtype: DType, rng: Rng, range = 2): Promise<Instance | undefined> {
  const model = await singleOpModel(registry, spec, dtype, rng);
  if (!model) return undefined;
  const leaves = searchableLeaves(model, registry);
  const inputRng = rng.fork('inputs');
  const values = new Map<string, Tensor>(model.weights.map((w) => [w.name, w.value]));
  for (const i of model.inputs) values.set(i.name, drawInput(registry, model, i, inputRng, range));
  for (const leaf of leaves) {
    if (leaf.kind === 'input') continue;
    const w = values.get(leaf.name)!;
    values.set(leaf.name, drawInput(registry, model, { name: leaf.name, dtype: w.dtype, shape: w.shape }, inputRng, range));
  }
  return { model, leaves, values };
}

/** Runs the model with its inputs and weights taken from `values`; the model with those weights comes along. */
export function runWith(registry: OpRegistry, model: Model, values: ReadonlyMap<string, Tensor>): { model: Model; run: ReferenceResult } {
  const withWeights: Model = { ...model, weights: model.weights.map((w) => ({ name: w.name, value: values.get(w.name) ?? w.value })) };
  const inputs = new Map(model.inputs.map((i) => [i.name, values.get(i.name)!]));
  return { model: withWeights, run: runReference(withWeights, inputs, { registry }) };
}

/** The domain rules of the model's ops that apply to a value. */
export function rulesOn(registry: OpRegistry, model: Model, name: string): DomainRule[] {
  return model.nodes.flatMap((node) => (registry.get(node.op, model.opset).domain ?? []).filter((r) => node.inputs[r.input] === name));
}

export function satisfies(rules: readonly DomainRule[], x: number): boolean {
  return rules.every((r) => (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max) && (r.minAbs === undefined || Math.abs(x) >= r.minAbs));
}

/** A tensor like `t` with every element replaced by fill(i, old value). */
export function refill(t: Tensor, fill: (i: number, x: number) => number): Tensor {
  return makeTensor(t.dtype, t.shape, Array.from(t.data, (x, i) => fill(i, x)));
}

export function isFloatDType(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

/** The float dtype to test a spec in (float64, the reference's own precision, where the op has it), if any. */
export function floatDtypeOf(spec: OpSpec): DType | undefined {
  return spec.dtypes.includes('float64') ? 'float64' : spec.dtypes.includes('float32') ? 'float32' : undefined;
}

/** A label for a spec version, as the other per-op tests print it. */
export function label(spec: OpSpec): string {
  return `${spec.name}-${spec.sinceVersion}`;
}
