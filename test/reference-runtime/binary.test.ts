import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { inferConcrete } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { cPow } from '../../src/reference-runtime/cpu/kernels/pow.js';

const registry = builtinRegistry();
const tensor = (dtype: DType, shape: number[], data: number[]) => makeTensor(dtype, shape, data);

/** Runs one node over the given inputs; returns its output tensor. */
function run(op: string, inputs: Tensor[], attrs: Attrs = {}): Tensor {
  const [out] = inferConcrete(registry.get(op, 17), { inputs, attrs, constants: [], opset: 17 }).outputs;
  const model: Model = {
    opset: 17,
    inputs: inputs.map((x, i) => ({ name: `x${i}`, dtype: x.dtype, shape: x.shape })),
    weights: [],
    nodes: [{ name: 'n', op, inputs: inputs.map((_, i) => `x${i}`), outputs: [{ name: 'y', ...out! }], attrs }],
    outputs: ['y'],
  };
  return runReference(model, new Map(inputs.map((x, i) => [`x${i}`, x]))).outputs.get('y')!;
}

const values = (op: string, inputs: Tensor[], attrs: Attrs = {}) => Array.from(run(op, inputs, attrs).data);

describe('Add, Sub, Mul, Div', () => {
  it('divides integers toward zero', () => {
    expect(values('Div', [tensor('int32', [4], [7, -7, 7, -7]), tensor('int32', [4], [2, 2, -2, -2])])).toEqual([3, -3, -3, 3]);
    // -1 / 3 truncates to 0, not to float64's -0.
    expect(values('Div', [tensor('int64', [2], [1, -1]), tensor('int64', [], [3])]).map((x) => Object.is(x, 0))).toEqual([true, true]);
  });

  it('wraps integer products like two-complement hardware', () => {
    // 10^10 mod 2^32 = 1410065408; 123456789 * 987654321 = 121932631112635269, whose low 32 bits
    // are lost in a float64 product.
    expect(values('Mul', [tensor('int32', [2], [100000, 123456789]), tensor('int32', [2], [100000, 987654321])])).toEqual([
      1410065408, -67153019,
    ]);
    // 2^32 * (2^32 + 1) = 2^64 + 2^32, which wraps to 2^32 in int64.
    expect(values('Mul', [tensor('int64', [1], [2 ** 32]), tensor('int64', [1], [2 ** 32 + 1])])).toEqual([2 ** 32]);
  });

  it('wraps int32 sums and broadcasts', () => {
    expect(values('Add', [tensor('int32', [2, 1], [2 ** 31 - 1, 1]), tensor('int32', [2], [1, 2])])).toEqual([-(2 ** 31), -(2 ** 31) + 1, 2, 3]);
    expect(values('Sub', [tensor('float32', [], [1]), tensor('float32', [3], [1, 2, 3])])).toEqual([0, -1, -2]);
  });
});

describe('Pow', () => {
  it('truncates an integer base raised to a negative or fractional power toward zero', () => {
    expect(values('Pow', [tensor('int32', [4], [2, -1, 1, -2]), tensor('int32', [4], [-1, -3, -5, -1])])).toEqual([0, -1, 1, 0]);
    // 8^(1/3 in float32) = 2.00000004..., 3^0.5 = 1.73...
    expect(values('Pow', [tensor('int64', [2], [8, 3]), tensor('float32', [2], [1 / 3, 0.5])])).toEqual([2, 1]);
  });

  it('raises integers to integer powers exactly and keeps the base dtype', () => {
    const out = run('Pow', [tensor('int64', [2], [3, -7]), tensor('int32', [], [17])]);
    expect(out.dtype).toBe('int64');
    expect(Array.from(out.data)).toEqual([129140163, -232630513987207]);
  });

  it('raises floats to integer and float powers', () => {
    expect(values('Pow', [tensor('float32', [3], [-2, 0.5, 4]), tensor('int64', [3], [3, -2, 0])])).toEqual([-8, 4, 1]);
    const [two, rootHalf] = values('Pow', [tensor('float64', [2], [4, 2]), tensor('float64', [2], [0.5, -0.5])]);
    expect(two).toBe(2);
    expect(rootHalf).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('follows C where JavaScript differs: 1 to any power and -1 to an infinite one are 1', () => {
    expect(cPow(1, NaN)).toBe(1);
    expect(cPow(-1, Infinity)).toBe(1);
    expect(cPow(-1, -Infinity)).toBe(1);
    expect(Math.pow(1, NaN)).toBeNaN();
  });
});

describe('Mod', () => {
  const a = [-4, 7, 5, 4, -7, 8];
  const b = [2, -3, 8, -2, 3, 5];

  it('takes the sign of the divisor with fmod 0', () => {
    expect(values('Mod', [tensor('int32', [6], a), tensor('int32', [6], b)])).toEqual([0, -2, 5, 0, 2, 3]);
  });

  it('takes the sign of the dividend with fmod 1, for integers and floats', () => {
    expect(values('Mod', [tensor('int64', [6], a), tensor('int64', [6], b)], { fmod: 1 })).toEqual([0, 1, 5, 0, -1, 3]);
    expect(values('Mod', [tensor('float64', [3], [-4.5, 5.5, 5.5]), tensor('float64', [3], [2, -2, 2])], { fmod: 1 })).toEqual([-0.5, 1.5, 1.5]);
  });

  it('broadcasts the divisor', () => {
    expect(values('Mod', [tensor('int32', [2, 2], [-5, -1, 1, 5]), tensor('int32', [1], [-3])])).toEqual([-2, -1, -2, -1]);
  });
});

describe('comparisons and logical ops', () => {
  it('compares with broadcasting and gives bools', () => {
    const x = tensor('float32', [2, 1], [1, 3]);
    const y = tensor('float32', [3], [1, 2, 3]);
    expect(run('Less', [x, y]).dtype).toBe('bool');
    expect(values('Less', [x, y])).toEqual([0, 1, 1, 0, 0, 0]);
    expect(values('LessOrEqual', [x, y])).toEqual([1, 1, 1, 0, 0, 1]);
    expect(values('Greater', [x, y])).toEqual([0, 0, 0, 1, 1, 0]);
    expect(values('GreaterOrEqual', [x, y])).toEqual([1, 0, 0, 1, 1, 1]);
    expect(values('Equal', [x, y])).toEqual([1, 0, 0, 0, 0, 1]);
    expect(values('Equal', [tensor('bool', [2], [1, 0]), tensor('bool', [1], [0])])).toEqual([0, 1]);
  });

  it('compares float32 intermediates as float32 holds them', () => {
    // The float64 reference holds 0.1f + 0.2f exactly; a float32 runtime holds it rounded, and so
    // the rounded sum equals z.
    const z = Math.fround(Math.fround(0.1) + Math.fround(0.2));
    const model: Model = {
      opset: 17,
      inputs: [
        { name: 'a', dtype: 'float32', shape: [1] },
        { name: 'b', dtype: 'float32', shape: [1] },
        { name: 'z', dtype: 'float32', shape: [1] },
      ],
      weights: [],
      nodes: [
        { name: 'add', op: 'Add', inputs: ['a', 'b'], outputs: [{ name: 's', dtype: 'float32', shape: [1] }], attrs: {} },
        { name: 'eq', op: 'Equal', inputs: ['s', 'z'], outputs: [{ name: 'e', dtype: 'bool', shape: [1] }], attrs: {} },
      ],
      outputs: ['e'],
    };
    const feeds = new Map([
      ['a', tensor('float32', [1], [0.1])],
      ['b', tensor('float32', [1], [0.2])],
      ['z', tensor('float32', [1], [z])],
    ]);
    const result = runReference(model, feeds);
    expect(result.values.get('s')!.data[0]).not.toBe(z);
    expect(Array.from(result.outputs.get('e')!.data)).toEqual([1]);
  });

  it('computes And, Or and Xor with broadcasting', () => {
    const p = tensor('bool', [2, 1], [1, 0]);
    const q = tensor('bool', [2], [1, 0]);
    expect(values('And', [p, q])).toEqual([1, 0, 0, 0]);
    expect(values('Or', [p, q])).toEqual([1, 1, 1, 0]);
    expect(values('Xor', [p, q])).toEqual([0, 1, 1, 0]);
  });
});

describe('Max, Min, Sum, Mean', () => {
  it('reduce elementwise over broadcast inputs', () => {
    const a = tensor('float32', [2, 1], [1, 6]);
    const b = tensor('float32', [3], [4, -2, 7]);
    const c = tensor('float32', [], [3]);
    expect(values('Max', [a, b, c])).toEqual([4, 3, 7, 6, 6, 7]);
    expect(values('Min', [a, b, c])).toEqual([1, -2, 1, 3, -2, 3]);
    expect(values('Sum', [a, b, c])).toEqual([8, 2, 11, 13, 7, 16]);
    expect(values('Mean', [a, b, c])).toEqual([8 / 3, 2 / 3, 11 / 3, 13 / 3, 7 / 3, 16 / 3]);
  });

  it('pass a single input through and take integers in Max and Min', () => {
    expect(values('Sum', [tensor('float64', [2], [1.5, -2])])).toEqual([1.5, -2]);
    expect(values('Max', [tensor('int64', [2], [-5, 9]), tensor('int64', [2], [-6, 10])])).toEqual([-5, 10]);
  });
});

describe('PRelu and Where', () => {
  it('scales only negative inputs by a slope broadcast per channel', () => {
    const x = tensor('float32', [1, 2, 2], [-1, 2, -3, 0]);
    const slope = tensor('float32', [2, 1], [0.5, 3]);
    expect(values('PRelu', [x, slope])).toEqual([-0.5, 2, -9, 0]);
    expect(values('PRelu', [tensor('int32', [2], [-4, 4]), tensor('int32', [], [2])])).toEqual([-8, 4]);
  });

  it('picks X where the condition holds and Y elsewhere, all broadcast', () => {
    const cond = tensor('bool', [2, 1], [1, 0]);
    const x = tensor('int64', [3], [1, 2, 3]);
    const y = tensor('int64', [], [-1]);
    const out = run('Where', [cond, x, y]);
    expect(out.dtype).toBe('int64');
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.data)).toEqual([1, 2, 3, -1, -1, -1]);
  });
});
