import { describe, expect, it } from 'vitest';
import { describeUntrusted, firstUntrustedValue, untrustedRun } from '../../src/inputsearch/clean.js';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

/** One node of `op` over fed inputs of the given dtypes and values, with an output of `out`. */
function single(op: string, inputs: readonly (readonly [DType, readonly number[]])[], out: DType, attrs: Attrs = {}) {
  const shape = [inputs[0]![1].length];
  const model: Model = {
    opset: 17,
    inputs: inputs.map(([dtype, x], i) => ({ name: `x${i}`, dtype, shape: [x.length] })),
    weights: [],
    nodes: [{ name: 'n0', op, inputs: inputs.map((_, i) => `x${i}`), outputs: [{ name: 'y', dtype: out, shape }], attrs }],
    outputs: ['y'],
  };
  const feeds = new Map(inputs.map(([dtype, x], i) => [`x${i}`, makeTensor(dtype, [x.length], x)]));
  const run = runReference(model, feeds, { registry });
  return { model, feeds, run, y: [...run.values.get('y')!.data] };
}

describe('integer overflow in the reference', () => {
  it('is recorded per node, before the result wraps as the dtype does', () => {
    const { run, y } = single('Mul', [['int32', [2 ** 20, 3]], ['int32', [2 ** 20, 5]]], 'int32');
    expect(run.integerFaults).toEqual([{ node: 'n0', op: 'Mul', output: 'y', dtype: 'int32', index: 0, value: 2 ** 40 }]);
    // 2^40 wraps to 0 in int32, as before.
    expect(y).toEqual([0, 15]);
  });

  it('finds int32 Pow 16^16 and leaves in-range powers alone', () => {
    expect(single('Pow', [['int32', [16]], ['int32', [16]]], 'int32').run.integerFaults).toMatchObject([{ index: 0, value: 2 ** 64 }]);
    expect(single('Pow', [['int32', [2, 16]], ['int32', [30, 7]]], 'int32').run.integerFaults).toEqual([]);
  });

  it('finds int64 results beyond 2^53, which float64 cannot hold exactly either', () => {
    expect(single('Mul', [['int64', [2 ** 27]], ['int64', [2 ** 27]]], 'int64').run.integerFaults).toMatchObject([{ value: 2 ** 54 }]);
    expect(single('Mul', [['int64', [2 ** 26]], ['int64', [2 ** 27]]], 'int64').run.integerFaults).toEqual([]);
  });

  it('finds a float cast to an integer it does not fit, but lets integers wrap into a narrower one', () => {
    const cast = single('Cast', [['float32', [1, 1e10]]], 'int32', { to: 6 });
    expect(cast.run.integerFaults).toMatchObject([{ index: 1, value: 1e10 }]);
    expect(single('Cast', [['float32', [2.5e9]]], 'int64', { to: 7 }).run.integerFaults).toEqual([]);
    expect(single('Cast', [['float64', [NaN]]], 'int32', { to: 6 }).run.integerFaults).toHaveLength(1);
    const narrowed = single('Cast', [['int64', [2 ** 31]]], 'int32', { to: 6 });
    expect(narrowed.run.integerFaults).toEqual([]);
    expect(narrowed.y).toEqual([-(2 ** 31)]);
  });

  it('finds an integer division by zero and INT_MIN / -1, which the Div domain would have kept out', () => {
    const byZero = single('Div', [['int32', [7, 6]], ['int32', [0, 3]]], 'int32');
    expect(byZero.run.integerFaults).toMatchObject([{ index: 0, value: Infinity }]);
    expect(byZero.y).toEqual([0, 2]);
    expect(single('Mod', [['int32', [7]], ['int32', [0]]], 'int32').run.integerFaults).toHaveLength(1);
    expect(single('Div', [['int32', [-(2 ** 31)]], ['int32', [-1]]], 'int32').run.integerFaults).toMatchObject([{ value: 2 ** 31 }]);
  });

  it('makes the run untrusted, saying what happened at which node', () => {
    const { model, feeds, run } = single('Mul', [['int32', [2 ** 20, 3]], ['int32', [2 ** 20, 5]]], 'int32');
    const untrusted = firstUntrustedValue(model, run, registry);
    expect(untrusted).toMatchObject({ node: 'n0', op: 'Mul', value: 'y', reason: 'integer-overflow' });
    expect(untrustedRun(model, feeds, run, registry)).toEqual(untrusted);
    expect(describeUntrusted(untrusted!)).toBe("the reference computes an integer its dtype cannot hold at n0 (Mul): y[0] is 1099511627776 before wrapping, outside int32's range");
    const cast = single('Cast', [['float64', [NaN]]], 'int32', { to: 6 });
    expect(describeUntrusted(firstUntrustedValue(cast.model, cast.run, registry)!)).toMatch(/at n0 \(Cast\): y\[0\] is NaN, which no int32 holds/);
    const fine = single('Mul', [['int32', [2 ** 15]], ['int32', [2 ** 15]]], 'int32');
    expect(firstUntrustedValue(fine.model, fine.run, registry)).toBeUndefined();
  });
});
