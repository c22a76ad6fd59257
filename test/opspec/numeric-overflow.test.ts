import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generator/rng.js';
import type { DType } from '../../src/ir/dtype.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import type { OpSpec } from '../../src/opspec/spec.js';
import { drawInstance, floatDtypeOf, label, NUMERIC_RUNS, refill, runWith, type Instance } from '../numeric-instances.js';

const registry = builtinRegistry();
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
/** Instances an op that declares overflow gets to show one in, before the test gives up on it. */
const MAX_INSTANCES = 80;

/** Values for each data leaf of an instance; `first` is whether the leaf feeds the node's first input. */
type Fill = (rng: Rng, first: boolean) => number;

/** Integer inputs that a sum, product, power or edge case takes out of int32. */
const INTEGER_FILLS: Readonly<Record<string, Fill>> = {
  'INT_MAX everywhere': () => INT_MAX,
  'INT_MIN everywhere': () => INT_MIN,
  'INT_MIN over -1': (_rng, first) => (first ? INT_MIN : -1),
  'INT_MIN or INT_MAX': (rng) => rng.pick([INT_MIN, INT_MAX]),
  'edges, zeros and ones': (rng) => rng.pick([INT_MIN, INT_MAX, -1, 0, 1, 2, 2 ** 30, -(2 ** 30)]),
};

/** Float inputs an integer cast cannot hold. */
const FLOAT_FILLS: Readonly<Record<string, Fill>> = {
  'beyond 2^53': (rng) => rng.pick([1e17, -1e17]),
  NaN: () => NaN,
};

/** The instance with every data leaf of `dtype` refilled. */
function filled(instance: Instance, dtype: DType, fill: Fill, rng: Rng): Map<string, Tensor> {
  const node = instance.model.nodes[0]!;
  const values = new Map(instance.values);
  for (const leaf of instance.leaves) {
    if (leaf.dtype !== dtype) continue;
    const first = node.inputs[0] === leaf.name;
    values.set(leaf.name, refill(values.get(leaf.name)!, () => fill(rng, first)));
  }
  return values;
}

/** The integer dtype an op is tested for overflow in (int32, where 2^30 inputs are in reach of its edges), if it takes one. */
function integerDtypeOf(spec: OpSpec): DType | undefined {
  return spec.dtypes.includes('int32') ? 'int32' : spec.dtypes.includes('int64') ? 'int64' : undefined;
}

describe('declared integer overflow', () => {
  // Cast declares overflow from floats only: from integers it wraps, which is defined.
  const unable = registry.all().filter((s) => (s.numeric.overflow === 'never' || s.numeric.overflow === 'from-float') && s.dtypes.includes('int32'));
  it.each(unable.map((s) => [label(s), s] as const))('%s: never overflows on int32 inputs up to 2^30', async (_l, spec) => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`never-overflows/${spec.name}/${seed}`);
        const instance = await drawInstance(registry, spec, 'int32', rng);
        if (!instance) return;
        const values = filled(instance, 'int32', (r) => (r.bool(0.2) ? r.pick([2 ** 30, -(2 ** 30), 0, 1, -1]) : r.int(-(2 ** 30), 2 ** 30)), rng.fork('fill'));
        const { run } = runWith(registry, instance.model, values);
        const node = instance.model.nodes[0]!;
        expect(run.integerFaults, `${label(spec)} attrs ${JSON.stringify(node.attrs)}`).toEqual([]);
        checked++;
      }),
      { numRuns: NUMERIC_RUNS },
    );
    expect(checked, `${label(spec)}: no instance was checked`).toBeGreaterThan(0);
  });

  // CastLike's target dtype is its second input's, which a single-op draw in a float dtype makes
  // that float dtype: no draw casts to an integer (Cast's 'to' shows the same overflow).
  const targetFromInput = new Set(['CastLike']);
  const able = registry.all().filter((s) => s.numeric.overflow !== 'never' && !targetFromInput.has(s.name));
  it.each(able.map((s) => [label(s), s] as const))('%s: overflows on some large input', async (_l, spec) => {
    const fromFloat = spec.numeric.overflow === 'from-float';
    const dtype = fromFloat ? floatDtypeOf(spec) : integerDtypeOf(spec);
    expect(dtype, `${label(spec)} declares integer overflow but takes no ${fromFloat ? 'float' : 'integer'} dtype`).toBeDefined();
    const fills = fromFloat ? FLOAT_FILLS : INTEGER_FILLS;
    const tried: string[] = [];
    for (let seed = 0; seed < MAX_INSTANCES; seed++) {
      const rng = new Rng(`overflows/${spec.name}/${seed}`);
      const instance = await drawInstance(registry, spec, dtype!, rng);
      if (!instance) continue;
      for (const [name, fill] of Object.entries(fills)) {
        const { run } = runWith(registry, instance.model, filled(instance, dtype!, fill, rng.fork(name)));
        if (run.integerFaults.length > 0) return;
      }
      tried.push(JSON.stringify(instance.model.nodes[0]!.attrs));
    }
    expect.fail(`${label(spec)} declares '${spec.numeric.overflow}' but no ${dtype} instance overflowed (${tried.length} tried, e.g. attrs ${tried[0]})`);
  });
});
