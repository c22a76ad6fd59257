import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { searchableLeaves } from '../../src/inputsearch/leaves.js';
import type { Model } from '../../src/ir/model.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { backward } from '../../src/reference-runtime/autodiff/backward.js';
import { cpuGradients } from '../../src/reference-runtime/autodiff/grads/index.js';
import { cpuKernels } from '../../src/reference-runtime/cpu/kernels/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { drawInput, singleOpModel } from '../../src/generator/single-op.js';

const registry = builtinRegistry();
const gradients = cpuGradients();
const RUNS = Number(process.env.VJP_RUNS ?? 10);
const DIRECTIONS = 3;
const STEP = 1e-6;

function isFloatTensor(t: Tensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64';
}

/** <v, f(leaves)> over the model's float outputs, with the leaves replaced by `values`. */
function lossAt(model: Model, values: ReadonlyMap<string, Tensor>, cotangents: ReadonlyMap<string, Float64Array>): number {
  const withWeights: Model = { ...model, weights: model.weights.map((w) => ({ name: w.name, value: values.get(w.name) ?? w.value })) };
  const run = runReference(withWeights, new Map(model.inputs.map((i) => [i.name, values.get(i.name)!])), { registry });
  let loss = 0;
  for (const [name, v] of cotangents) {
    const y = run.outputs.get(name)!.data;
    for (let i = 0; i < v.length; i++) loss += v[i]! * y[i]!;
  }
  return loss;
}

describe('autodiff', () => {
  it('has a gradient for every op the reference runtime has a kernel for', () => {
    expect(cpuKernels().ops().filter((op) => !gradients.find(op))).toEqual([]);
  });

  /**
   * Per op: random valid single-op instances in float64 (float32 where the op has no float64), a
   * random cotangent on the outputs, and the directional derivative of <v, f> along random directions
   * by central differences against the rule's gradient. Instances where the rule is a proxy are skipped.
   */
  const specs = registry.all().filter((s) => s.dtypes.includes('float64') || s.dtypes.includes('float32'));
  it.each(specs.map((s) => [`${s.name}-${s.sinceVersion}`, s] as const))('%s: vector-Jacobian product matches central differences', async (_label, spec) => {
    const dtype = spec.dtypes.includes('float64') ? 'float64' : 'float32';
    let checked = 0;
    let proxies = 0;
    let inconclusive = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`vjp/${spec.name}/${seed}`);
        // A draw the generator could not complete is no instance.
        const drawn = await singleOpModel(registry, spec, dtype, rng);
        if (!drawn) return;
        let model: Model = drawn;
        const inputRng = rng.fork('inputs');
        const leaves = searchableLeaves(model, registry).filter((l) => l.dtype === 'float32' || l.dtype === 'float64');
        const values = new Map<string, Tensor>(model.weights.map((w) => [w.name, w.value]));
        for (const i of model.inputs) values.set(i.name, drawInput(registry, model, i, inputRng, 1));
        // Data weights are drawn like inputs, within the op's domain (BatchNormalization's variance >= 0).
        for (const w of model.weights) {
          if (leaves.some((l) => l.name === w.name)) values.set(w.name, drawInput(registry, model, { name: w.name, dtype: w.value.dtype, shape: w.value.shape }, inputRng, 1));
        }
        model = { ...model, weights: model.weights.map((w) => ({ name: w.name, value: values.get(w.name)! })) };
        const run = runReference(model, new Map(model.inputs.map((i) => [i.name, values.get(i.name)!])), { registry });
        // Next to a jump (a Mod quotient near an integer) central differences straddle it: a campaign
        // would not trust such an instance either.
        if (firstUntrustedValue(model, run, registry)) return;
        const node = model.nodes[0]!;
        const inputs = node.inputs.map((n) => (n === '' ? undefined : run.values.get(n)));
        if (!gradients.find(node.op)!.isExact(run.steps[0]!.attrs, inputs)) {
          proxies++;
          return;
        }
        const cotangents = new Map<string, Float64Array>();
        for (const name of model.outputs) {
          const y = run.outputs.get(name)!;
          if (isFloatTensor(y)) cotangents.set(name, Float64Array.from(y.data, () => inputRng.uniform(-1, 1)));
        }
        if (cotangents.size === 0 || leaves.length === 0) return;
        const grads = backward({ model, run, seeds: cotangents, gradients });
        for (let d = 0; d < DIRECTIONS; d++) {
          const directions = new Map<string, Float64Array>();
          let predicted = 0;
          let scale = 0;
          for (const leaf of leaves) {
            const x = values.get(leaf.name)!;
            const g = grads.get(leaf.name) ?? new Float64Array(x.data.length);
            const u = Float64Array.from(x.data, () => inputRng.uniform(-1, 1));
            directions.set(leaf.name, u);
            for (let i = 0; i < u.length; i++) {
              predicted += g[i]! * u[i]!;
              scale += Math.abs(g[i]! * u[i]!);
            }
          }
          const centralDifference = (h: number): number => {
            const moved = (sign: number) => {
              const at = new Map(values);
              for (const [name, u] of directions) {
                const x = values.get(name)!;
                at.set(name, { ...x, data: x.data.map((v, i) => v + sign * h * u[i]!) });
              }
              return lossAt(model, at, cotangents);
            };
            return (moved(1) - moved(-1)) / (2 * h);
          };
          const tolerance = 1e-5 * scale + 1e-6;
          const measured = centralDifference(STEP);
          // Where halving the step changes the difference itself, the segment crosses a kink (two
          // Min operands within 1e-6, a Mod quotient at an integer) or bends too fast for it:
          // inconclusive, not wrong.
          if (Math.abs(centralDifference(STEP / 2) - measured) > tolerance / 4) {
            inconclusive++;
            continue;
          }
          const where = `${spec.name} attrs ${JSON.stringify(node.attrs)} shapes ${JSON.stringify(model.inputs.map((i) => i.shape))} weights ${JSON.stringify(model.weights.map((w) => w.value.shape))}`;
          expect(Math.abs(measured - predicted), `${where}: finite differences ${measured}, gradient ${predicted}`).toBeLessThanOrEqual(tolerance);
        }
        checked++;
      }),
      { numRuns: RUNS },
    );
    expect(checked + proxies, `${spec.name}: no instance was checked`).toBeGreaterThan(0);
    expect(inconclusive, `${spec.name}: too many directions where central differences were unstable`).toBeLessThanOrEqual(checked);
  });
});
