import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { searchInputs } from '../../src/inputsearch/search.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const i32 = (name: string) => ({ name, dtype: 'int32' as const, shape: [4] });

/** Mul(Pow(x, e), w) in int32: with e = 30 every base from 3 on overflows, and 2^30 times w does too. */
const chain: Model = {
  opset: 17,
  inputs: [i32('x')],
  weights: [
    { name: 'e', value: makeTensor('int32', [4], [30, 30, 30, 30]) },
    { name: 'w', value: makeTensor('int32', [4], [16, -16, 9, 16]) },
  ],
  nodes: [
    { name: 'pow', op: 'Pow', inputs: ['x', 'e'], outputs: [i32('p')], attrs: {} },
    { name: 'mul', op: 'Mul', inputs: ['p', 'w'], outputs: [i32('y')], attrs: {} },
  ],
  outputs: ['y'],
};

describe('input search on integer overflow', () => {
  it('finds in-range inputs and weights for an int32 Pow and Mul chain by pulling magnitudes down', () => {
    const large = new Map([['x', makeTensor('int32', [4], [4, 5, 3, 6])]]);
    expect(firstUntrustedValue(chain, runReference(chain, large, { registry }), registry)).toMatchObject({ node: 'pow', reason: 'integer-overflow' });
    for (const seed of ['a', 'b', 'c', 'd']) {
      const found = searchInputs(chain, new Rng(`int-overflow/${seed}`), { registry, budgetMs: 3000 });
      expect(found.untrusted, seed).toBeUndefined();
      // The loss moved the generator's exponents down; a fresh random start would have hidden whether it can.
      expect(found.restarts, seed).toBe(0);
      expect(Math.min(...found.model.weights[0]!.value.data), seed).toBeLessThan(30);
      const run = runReference(found.model, found.inputs, { registry });
      expect(run.integerFaults).toEqual([]);
      expect(firstUntrustedValue(found.model, run, registry)).toBeUndefined();
    }
  });
});
