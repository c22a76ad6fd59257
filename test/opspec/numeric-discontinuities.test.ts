import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { isStep } from '../../src/opspec/numeric.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { drawInstance, floatDtypeOf, isFloatDType, label, NUMERIC_RUNS, refill, rulesOn, runWith, satisfies } from '../numeric-instances.js';

const registry = builtinRegistry();

/** The float32-size relative difference the rounding probe also nudges by. */
const NUDGE = 1e-6;
/** A float output that moves by more than this (relative to max(1, |y|)) under a nudge has jumped. */
const JUMP = 1e-2;

/**
 * Values next to where discrete results flip: integers and halves (Floor, Round, Cast), equal values
 * across inputs and along axes (comparisons, ArgMax, MaxPool's indices), quotients that are integers
 * (Mod): a small palette, moved off each point by less than the nudge.
 */
const PALETTE = [0, 0.25, 0.5, 1, 1.5, 2, 3, -0.5, -1, -1.5, -2];

describe('declared discontinuities', () => {
  const specs = registry.all().filter((s) => floatDtypeOf(s) !== undefined);
  it.each(specs.map((s) => [label(s), s] as const))('%s: a discrete result a 1e-6 nudge changes is declared', async (_l, spec) => {
    const dtype = floatDtypeOf(spec)!;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        const rng = new Rng(`discontinuity/${spec.name}/${seed}`);
        const instance = await drawInstance(registry, spec, dtype, rng);
        if (!instance) return;
        const { model, values } = instance;
        const node = model.nodes[0]!;
        const floatLeaves = instance.leaves.filter((l) => isFloatDType(l.dtype)).map((l) => l.name);
        const pick = rng.fork('palette');
        for (const name of floatLeaves) {
          const rules = rulesOn(registry, model, name);
          values.set(
            name,
            refill(values.get(name)!, (_i, x) => {
              if (!pick.bool(0.7)) return x;
              const v = pick.pick(PALETTE) * (1 + pick.pick([-3e-7, 0, 3e-7]));
              return satisfies(rules, v) ? v : x;
            }),
          );
        }
        const base = runWith(registry, model, values);
        const untrusted = firstUntrustedValue(base.model, base.run, registry);
        if (untrusted && untrusted.reason !== 'near-discontinuity') return;
        const nudge = rng.fork('nudge');
        for (let trial = 0; trial < 2; trial++) {
          const nudged = new Map(values);
          for (const name of floatLeaves) nudged.set(name, refill(values.get(name)!, (_i, x) => x * (1 + (nudge.bool() ? NUDGE : -NUDGE))));
          const after = runWith(registry, model, nudged);
          const afterUntrusted = firstUntrustedValue(after.model, after.run, registry);
          if (afterUntrusted && afterUntrusted.reason !== 'near-discontinuity') continue;
          for (const o of node.outputs) {
            const y: Tensor = base.run.values.get(o.name)!;
            const z: Tensor = after.run.values.get(o.name)!;
            const discrete = !isFloatDType(y.dtype) || isStep(spec.numeric);
            const i = y.data.findIndex((a, k) => {
              const b = z.data[k]!;
              if (Number.isNaN(a) && Number.isNaN(b)) return false;
              return discrete ? a !== b : !(Math.abs(a - b) <= JUMP * Math.max(1, Math.abs(a)));
            });
            if (i < 0) continue;
            const where = `${label(spec)} attrs ${JSON.stringify(node.attrs)}: ${o.name}[${i}] went from ${y.data[i]} to ${z.data[i]} under a nudge of ${NUDGE}`;
            expect(spec.numeric.discontinuity.kind, where).not.toBe('none');
          }
        }
        checked++;
      }),
      { numRuns: NUMERIC_RUNS },
    );
    expect(checked, `${label(spec)}: no instance was checked`).toBeGreaterThan(0);
  });
});
