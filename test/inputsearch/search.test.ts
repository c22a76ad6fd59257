import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generator/generate.js';
import { Rng, testSeed } from '../../src/generator/rng.js';
import { randomTensor } from '../../src/generator/values.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { searchableLeaves } from '../../src/inputsearch/leaves.js';
import { searchInputs } from '../../src/inputsearch/search.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const BUDGET_MS = 2000;

/** Acosh(Log(x) * w): needs x * ... >= 1.001 everywhere; uniform [-2, 2] inputs never do that. */
const chain: Model = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32', shape: [4, 6] }],
  weights: [{ name: 'w', value: makeTensor('float32', [6], [-1, 0.5, -2, 1, 0.25, -0.5]) }],
  nodes: [
    { name: 'log', op: 'Log', inputs: ['x'], outputs: [{ name: 'l', dtype: 'float32', shape: [4, 6] }], attrs: {} },
    { name: 'mul', op: 'Mul', inputs: ['l', 'w'], outputs: [{ name: 'm', dtype: 'float32', shape: [4, 6] }], attrs: {} },
    { name: 'acosh', op: 'Acosh', inputs: ['m'], outputs: [{ name: 'y', dtype: 'float32', shape: [4, 6] }], attrs: {} },
  ],
  outputs: ['y'],
};

describe('input search', () => {
  it('finds inputs and weights that satisfy a chain of domain-limited ops', () => {
    const rng = new Rng('chain');
    const random = new Map([['x', randomTensor(rng.fork('random'), 'float32', [4, 6])]]);
    expect(firstUntrustedValue(chain, runReference(chain, random), registry)).toBeDefined();
    const found = searchInputs(chain, rng.fork('search'), { registry, budgetMs: BUDGET_MS });
    expect(found.untrusted).toBeUndefined();
    expect(firstUntrustedValue(found.model, runReference(found.model, found.inputs), registry)).toBeUndefined();
    // The weight moved too: Log(x) * w >= 1.001 needs w of one sign with Log(x).
    expect(found.model.weights[0]!.value.data).not.toEqual(chain.weights[0]!.value.data);
  });

  it('is a pure function of the seed when it succeeds', async () => {
    for (let i = 0; i < 10; i++) {
      const seed = testSeed('search-determinism', i);
      const { model } = await generate({ maxNodes: 8 }, registry, new Rng(seed).fork('model'));
      // Forking advances the parent: each search gets a fresh Rng forked the same way.
      const a = searchInputs(model, new Rng(seed).fork('inputs'), { registry, budgetMs: BUDGET_MS });
      const b = searchInputs(model, new Rng(seed).fork('inputs'), { registry, budgetMs: BUDGET_MS });
      if (a.untrusted) continue;
      expect(b.untrusted).toBeUndefined();
      for (const [name, t] of a.inputs) expect(b.inputs.get(name)!.data).toEqual(t.data);
      expect(b.model.weights.map((w) => [...w.value.data])).toEqual(a.model.weights.map((w) => [...w.value.data]));
    }
  });

  it('rounds integer leaves and leaves shapes, axes and indices alone', async () => {
    for (let i = 0; i < 20; i++) {
      const rng = new Rng(testSeed('search-structure', i));
      const { model } = await generate({ maxNodes: 8, dtypes: ['float32', 'int64'] }, registry, rng.fork('model'));
      const found = searchInputs(model, rng.fork('inputs'), { registry, budgetMs: 200 });
      const searchable = new Set(searchableLeaves(model, registry).map((l) => l.name));
      model.weights.forEach((w, k) => {
        if (!searchable.has(w.name)) expect(found.model.weights[k]!.value).toEqual(w.value);
      });
      for (const t of [...found.inputs.values(), ...found.model.weights.map((w) => w.value)]) {
        if (t.dtype === 'int32' || t.dtype === 'int64') expect(t.data.every(Number.isInteger)).toBe(true);
      }
    }
  });

  it('cleans most generated models that random inputs leave untrusted', async () => {
    let untrustedAtRandom = 0;
    let fixed = 0;
    for (let i = 0; i < 60; i++) {
      const rng = new Rng(testSeed('search-rate', i));
      const { model } = await generate({ maxNodes: 10 }, registry, rng.fork('model'));
      const inputs = new Map(model.inputs.map((v) => [v.name, randomTensor(rng.fork('random'), v.dtype, v.shape)]));
      if (!firstUntrustedValue(model, runReference(model, inputs), registry)) continue;
      untrustedAtRandom++;
      if (!searchInputs(model, rng.fork('inputs'), { registry, budgetMs: 200 }).untrusted) fixed++;
    }
    expect(untrustedAtRandom).toBeGreaterThan(10);
    expect(fixed / untrustedAtRandom).toBeGreaterThan(0.7);
  });
});
