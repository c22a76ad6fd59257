import type { Model } from '../ir/model.js';
import { isIntDType } from '../ir/dtype.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import type { Rng } from '../generator/rng.js';
import { randomTensor } from '../generator/values.js';
// Searched values stay within this magnitude (larger ones only hide bugs behind overflow); the
// generator's value bounds assume the same limit.
import { searchInterval } from '../generator/value-bounds.js';
import type { OpRegistry } from '../opspec/registry.js';
import { backward } from '../reference-runtime/autodiff/backward.js';
import type { GradientRegistry } from '../reference-runtime/autodiff/gradient.js';
import { cpuGradients } from '../reference-runtime/autodiff/grads/index.js';
import type { KernelRegistry } from '../reference-runtime/cpu/kernel.js';
import { runReference, type ReferenceResult } from '../reference-runtime/executor.js';
import { untrustedRun, type UntrustedValue } from './clean.js';
import { lossSeeds } from './loss.js';
import { searchableLeaves, type SearchLeaf } from './leaves.js';

export interface SearchOptions {
  readonly registry: OpRegistry;
  /** Wall-clock budget. The steps are a pure function of the seed; the budget only decides when to give up. */
  readonly budgetMs: number;
  /**
   * Steps after which the search gives up whatever the clock says: with it (and a budgetMs large
   * enough to be only a safety cap), the same tests are judged or discarded on any machine.
   */
  readonly maxSteps?: number;
  readonly gradients?: GradientRegistry;
  readonly kernels?: KernelRegistry;
}

export interface SearchResult {
  /** The model with its data weights replaced by the values found (shapes, axes and indices untouched). */
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  /** The reference run on those inputs and weights. */
  readonly run: ReferenceResult;
  /** Set when the budget ran out before every value was trustworthy. */
  readonly untrusted?: UntrustedValue;
  readonly steps: number;
  readonly restarts: number;
  readonly ms: number;
}

/** Magnitudes a fresh start draws from, in turn: the first is the generator's own. */
const RESTART_RANGES = [2, 1, 0.5, 3];
/** Steps without getting further into the model than before, before starting afresh. */
const PATIENCE = 24;
const LEARNING_RATE = 0.25;
const BETA1 = 0.9;
const BETA2 = 0.999;

let defaultGradients: GradientRegistry | undefined;

/** Adam state of one leaf: the float values it holds (integers round when used) and its moments. */
interface LeafState {
  readonly leaf: SearchLeaf;
  readonly shape: readonly number[];
  values: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

function isInteger(leaf: SearchLeaf): boolean {
  return isIntDType(leaf.dtype);
}

function tensorOf(state: LeafState): Tensor {
  const data = isInteger(state.leaf) ? state.values.map(Math.round) : state.values;
  return makeTensor(state.leaf.dtype, state.shape, data);
}

/**
 * Searches inputs and data weights on which the reference computes no NaN, Inf or subnormal value
 * and no op leaves its domain (NNSmith's gradient-guided search): run the model, find the first
 * untrusted node, descend with Adam on a loss built for that node (see lossSeeds), repeat. A node
 * that stays stuck, or a loss with no direction, jitters the values or starts afresh from new random
 * ones. Bool inputs are drawn, never descended.
 */
export function searchInputs(model: Model, rng: Rng, options: SearchOptions): SearchResult {
  const started = performance.now();
  const gradients = options.gradients ?? (defaultGradients ??= cpuGradients());
  const leaves = searchableLeaves(model, options.registry);
  const weightsByName = new Map(model.weights.map((w) => [w.name, w.value]));
  const shapeOf = (leaf: SearchLeaf) => (leaf.kind === 'input' ? model.inputs.find((i) => i.name === leaf.name)!.shape : weightsByName.get(leaf.name)!.shape);
  const states: LeafState[] = leaves.map((leaf) => {
    const shape = shapeOf(leaf);
    const n = shape.reduce((a, b) => a * b, 1);
    return { leaf, shape, values: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
  });
  const boolInputs = new Map<string, Tensor>();

  const draw = (range: number, first: boolean) => {
    for (const s of states) {
      // The generator's own weights are the first start; inputs are always drawn.
      const initial = first && s.leaf.kind === 'weight' ? weightsByName.get(s.leaf.name)! : randomTensor(rng, s.leaf.dtype, s.shape, range);
      s.values = Float64Array.from(initial.data);
      s.m.fill(0);
      s.v.fill(0);
    }
    for (const i of model.inputs) if (i.dtype === 'bool') boolInputs.set(i.name, randomTensor(rng, 'bool', i.shape));
  };

  const current = (): { model: Model; inputs: Map<string, Tensor> } => {
    const byName = new Map(states.map((s) => [s.leaf.name, tensorOf(s)]));
    const inputs = new Map(model.inputs.map((i) => [i.name, byName.get(i.name) ?? boolInputs.get(i.name)!]));
    const weights = model.weights.map((w) => ({ ...w, value: byName.get(w.name) ?? w.value }));
    return { model: { ...model, weights }, inputs };
  };

  let restarts = 0;
  let steps = 0;
  let adamStep = 0;
  // Progress is how far into the model the first untrusted node lies.
  let furthest = -1;
  let stuckFor = 0;
  const nodeIndex = new Map(model.nodes.map((n, i) => [n.name, i]));
  draw(RESTART_RANGES[0]!, true);
  for (;;) {
    const candidate = current();
    const run = runReference(candidate.model, candidate.inputs, { registry: options.registry, ...(options.kernels ? { kernels: options.kernels } : {}) });
    const untrusted = untrustedRun(candidate.model, candidate.inputs, run, options.registry);
    const ms = performance.now() - started;
    if (!untrusted || ms >= options.budgetMs || (options.maxSteps !== undefined && steps >= options.maxSteps)) {
      return { model: candidate.model, inputs: candidate.inputs, run, steps, restarts, ms, ...(untrusted ? { untrusted } : {}) };
    }
    steps++;
    const reached = nodeIndex.get(untrusted.node)!;
    if (reached > furthest) {
      furthest = reached;
      stuckFor = 0;
    } else {
      stuckFor++;
    }
    const seeds = stuckFor < PATIENCE ? lossSeeds(candidate.model, run, untrusted, options.registry) : undefined;
    const grads = seeds ? backward({ model: candidate.model, run, seeds, gradients, leaky: true }) : undefined;
    if (grads && descend(states, grads, ++adamStep)) continue;
    if (untrusted.reason === 'near-discontinuity' && stuckFor < PATIENCE) {
      jitter(states, rng);
      continue;
    }
    restarts++;
    adamStep = 0;
    stuckFor = 0;
    furthest = -1;
    draw(RESTART_RANGES[restarts % RESTART_RANGES.length]!, false);
  }
}

/** One Adam step on every leaf with a gradient; false when no leaf got one (nothing to descend on). */
function descend(states: readonly LeafState[], grads: ReadonlyMap<string, Float64Array>, t: number): boolean {
  let moved = false;
  const correction1 = 1 - BETA1 ** t;
  const correction2 = 1 - BETA2 ** t;
  for (const s of states) {
    const g = grads.get(s.leaf.name);
    if (!g) continue;
    const { lo, hi } = searchInterval(s.leaf.dtype);
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!;
      if (!Number.isFinite(gi)) continue;
      s.m[i] = BETA1 * s.m[i]! + (1 - BETA1) * gi;
      s.v[i] = BETA2 * s.v[i]! + (1 - BETA2) * gi * gi;
      if (s.v[i] === 0) continue;
      const step = (LEARNING_RATE * (s.m[i]! / correction1)) / (Math.sqrt(s.v[i]! / correction2) + 1e-12);
      s.values[i] = Math.min(hi, Math.max(lo, s.values[i]! - step));
      if (gi !== 0) moved = true;
    }
  }
  return moved;
}

/** A small relative nudge to every float leaf: moves values off a discontinuity no gradient sees. */
function jitter(states: readonly LeafState[], rng: Rng): void {
  for (const s of states) {
    if (isInteger(s.leaf)) continue;
    for (let i = 0; i < s.values.length; i++) s.values[i]! += rng.uniform(-1e-2, 1e-2) * Math.max(1, Math.abs(s.values[i]!));
  }
}
