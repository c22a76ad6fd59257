import { describe, expect, it } from 'vitest';
import { untrustedRun } from '../../src/inputsearch/clean.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const f32 = (name: string, shape: number[]) => ({ name, dtype: 'float32' as const, shape });

/** LessOrEqual(x, f(x)) where f is the identity in exact arithmetic but not in float32. */
function compareWith(op: string | undefined): Model {
  const nodes = op ? [{ name: 'f', op, inputs: ['x'], outputs: [f32('fx', [4])], attrs: {} }] : [];
  return {
    opset: 17,
    inputs: [f32('x', [4])],
    weights: [],
    nodes: [
      ...nodes,
      { name: 'le', op: 'LessOrEqual', inputs: ['x', op ? 'fx' : 'x'], outputs: [{ name: 'b', dtype: 'bool', shape: [4] }], attrs: {} },
    ],
    outputs: ['b'],
  };
}

function untrusted(model: Model) {
  const inputs = new Map([['x', makeTensor('float32', [4], [0.3, -0.7, 1.1, 0.05])]]);
  return untrustedRun(model, inputs, runReference(model, inputs), registry);
}

describe('the rounding probe', () => {
  it('distrusts a tie between two inexact roads, whatever names their nodes have', () => {
    // Sin(Asin(x)) <= LeakyRelu(x) on positive x: both are x in exact arithmetic, by different roads.
    for (const names of [['n1_Asin', 'n2_Sin', 'n3_LeakyRelu'], ['a', 'b', 'c'], ['x1', 'x2', 'x9']]) {
      const model: Model = {
        opset: 17,
        inputs: [f32('x', [4])],
        weights: [],
        nodes: [
          { name: names[0]!, op: 'Asin', inputs: ['x'], outputs: [f32('a', [4])], attrs: {} },
          { name: names[1]!, op: 'Sin', inputs: ['a'], outputs: [f32('s', [4])], attrs: {} },
          { name: names[2]!, op: 'LeakyRelu', inputs: ['x'], outputs: [f32('l', [4])], attrs: {} },
          { name: 'le', op: 'LessOrEqual', inputs: ['s', 'l'], outputs: [{ name: 'b', dtype: 'bool', shape: [4] }], attrs: {} },
        ],
        outputs: ['b'],
      };
      const inputs = new Map([['x', makeTensor('float32', [4], [-0.06, -0.004, 0.03, -0.2])]]);
      expect(untrustedRun(model, inputs, runReference(model, inputs), registry)?.node, names.join()).toBe('le');
    }
  });

  it('distrusts a comparison of values equal only by different float roads', () => {
    // Relu of positives and Identity are exact: a float32 SUT gets the same tie.
    expect(untrusted(compareWith('Identity'))).toBeUndefined();
    expect(untrusted(compareWith(undefined))).toBeUndefined();
    const model: Model = {
      ...compareWith(undefined),
      nodes: [
        { name: 'tan', op: 'Tan', inputs: ['x'], outputs: [f32('t', [4])], attrs: {} },
        { name: 'atan', op: 'Atan', inputs: ['t'], outputs: [f32('fx', [4])], attrs: {} },
        { name: 'le', op: 'LessOrEqual', inputs: ['x', 'fx'], outputs: [{ name: 'b', dtype: 'bool', shape: [4] }], attrs: {} },
      ],
    };
    const found = untrusted(model);
    expect(found?.reason).toBe('near-discontinuity');
    expect(found?.node).toBe('le');
  });

  it('distrusts an ArgMax over values that tie only in exact arithmetic', () => {
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [2])],
      weights: [{ name: 'w', value: makeTensor('float32', [2], [0.1, 0.1]) }],
      nodes: [
        { name: 'mul', op: 'Mul', inputs: ['x', 'w'], outputs: [f32('m', [2])], attrs: {} },
        { name: 'arg', op: 'ArgMax', inputs: ['m'], outputs: [{ name: 'i', dtype: 'int64', shape: [1] }], attrs: { axis: 0 } },
      ],
      outputs: ['i'],
    };
    const tied = new Map([['x', makeTensor('float32', [2], [3, 3])]]);
    expect(untrustedRun(model, tied, runReference(model, tied), registry)?.node).toBe('arg');
    const apart = new Map([['x', makeTensor('float32', [2], [3, 2])]]);
    expect(untrustedRun(model, apart, runReference(model, apart), registry)).toBeUndefined();
  });
});

describe('the rounding probe on float Mod', () => {
  it('distrusts a remainder whose quotient sits on an integer only in exact arithmetic', () => {
    // Mod(x, Mean(x, x, x)): the mean is x in float64, maybe not in float32, and x mod x' jumps from 0 to x.
    const f = (name: string) => ({ name, dtype: 'float32' as const, shape: [2] });
    const model: Model = {
      opset: 17,
      inputs: [f('x')],
      weights: [],
      nodes: [
        { name: 'mean', op: 'Mean', inputs: ['x', 'x', 'x'], outputs: [f('m')], attrs: {} },
        { name: 'mod', op: 'Mod', inputs: ['x', 'm'], outputs: [f('r')], attrs: { fmod: 1 } },
      ],
      outputs: ['r'],
    };
    const inputs = new Map([['x', makeTensor('float32', [2], [0.35, 1.53])]]);
    expect(untrustedRun(model, inputs, runReference(model, inputs), registry)?.node).toBe('mod');
  });
});

describe('the rounding probe on float outputs', () => {
  /** Sub(ReduceSum(x), ReduceSum(y)) of two [n] inputs: a difference of two sums. */
  function differenceOfSums(x: number[], y: number[]) {
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [x.length]), f32('y', [y.length])],
      weights: [],
      nodes: [
        { name: 'sx', op: 'ReduceSum', inputs: ['x'], outputs: [f32('a', [1])], attrs: { keepdims: 1 } },
        { name: 'sy', op: 'ReduceSum', inputs: ['y'], outputs: [f32('b', [1])], attrs: { keepdims: 1 } },
        { name: 'd', op: 'Sub', inputs: ['a', 'b'], outputs: [f32('out', [1])], attrs: {} },
      ],
      outputs: ['out'],
    };
    const inputs = new Map([
      ['x', makeTensor('float32', [x.length], x)],
      ['y', makeTensor('float32', [y.length], y)],
    ]);
    return untrustedRun(model, inputs, runReference(model, inputs), registry);
  }

  it('leaves a difference of two large, nearly equal sums to the error bounds, which judge it', () => {
    // 4000.5 - 4000: float32 rounding of either sum (about 2e-4 each) is beyond the fixed tolerance
    // at 0.5, but within the difference's error bound (gamma_250 of each sum), so it is judged by it.
    expect(differenceOfSums(Array.from({ length: 250 }, () => 16.002), Array.from({ length: 250 }, () => 16))).toBeUndefined();
  });

  it('trusts the same difference of small sums, and a sum far from cancelling', () => {
    expect(differenceOfSums([1.5, 2, -0.25], [0.5, 1, 0.75])).toBeUndefined();
    expect(differenceOfSums(Array.from({ length: 250 }, () => 16), Array.from({ length: 250 }, () => -3))).toBeUndefined();
  });
});

describe('the rounding probe after a normalization', () => {
  it('distrusts a LayerNormalization of an InstanceNormalization’s outputs that are equal only in exact arithmetic', () => {
    // Planes of one element normalize to the bias exactly in float64; onnxruntime's float32 kernel
    // leaves about 1e-5 of rounding in each, which the LayerNormalization over both divides by 0.045.
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [2, 1, 1])],
      weights: [
        { name: 's', value: makeTensor('float32', [1], [1]) },
        { name: 'b', value: makeTensor('float32', [1], [-0.875]) },
      ],
      nodes: [
        { name: 'in', op: 'InstanceNormalization', inputs: ['x', 's', 'b'], outputs: [f32('n', [2, 1, 1])], attrs: {} },
        { name: 'ln', op: 'LayerNormalization', inputs: ['n', 'x'], outputs: [f32('y', [2, 1, 1])], attrs: { axis: 0, epsilon: 0.002 } },
      ],
      outputs: ['y'],
    };
    const inputs = new Map([['x', makeTensor('float32', [2, 1, 1], [0.7, 1])]]);
    const u = untrustedRun(model, inputs, runReference(model, inputs), registry);
    expect(u?.reason).toBe('ill-conditioned');
    expect(u?.node).toBe('ln');
    // The same LayerNormalization over values that differ, with a plain Identity before it, is trusted.
    const plain: Model = { ...model, weights: [], nodes: [{ name: 'id', op: 'Identity', inputs: ['x'], outputs: [f32('n', [2, 1, 1])], attrs: {} }, model.nodes[1]!] };
    expect(untrustedRun(plain, inputs, runReference(plain, inputs), registry)).toBeUndefined();
  });
});

describe('the rounding probe after a dot product', () => {
  // The 30-minute campaign's case: a 5-term Conv whose output is 0.012 by cancellation, then
  // Reciprocal and Sin; every float32 SUT agreed with the others and not with the float64 reference.
  const conv = (x: number[]): { model: Model; inputs: Map<string, ReturnType<typeof makeTensor>> } => {
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [1, 1, 1, 5])],
      weights: [{ name: 'w', value: makeTensor('float32', [1, 1, 1, 5], [2, 2, -0.8, -0.4, -2]) }],
      nodes: [
        { name: 'c', op: 'Conv', inputs: ['x', 'w'], outputs: [f32('v', [1, 1, 1, 1])], attrs: {} },
        { name: 'r', op: 'Reciprocal', inputs: ['v'], outputs: [f32('q', [1, 1, 1, 1])], attrs: {} },
        { name: 's', op: 'Sin', inputs: ['q'], outputs: [f32('y', [1, 1, 1, 1])], attrs: {} },
      ],
      outputs: ['y'],
    };
    return { model, inputs: new Map([['x', makeTensor('float32', [1, 1, 1, 5], x)]]) };
  };

  it('distrusts a sum of products that cancels to near zero before an op that amplifies it', () => {
    // 2*0.5 + 2*0.2 - 0.8*0.5 - 0.4*1.4 - 2*0.214 = 0.012: terms of about 1 summed to 1% of them.
    const { model, inputs } = conv([0.5, 0.2, 0.5, 1.4, 0.214]);
    expect(untrustedRun(model, inputs, runReference(model, inputs), registry)?.reason).toBe('ill-conditioned');
  });

  it('trusts the same chain where the sum does not cancel', () => {
    const { model, inputs } = conv([0.5, 0.2, -0.5, -1.4, -0.214]);
    expect(untrustedRun(model, inputs, runReference(model, inputs), registry)).toBeUndefined();
  });
});

describe('normalizations of inputs whose squares overflow float32', () => {
  it('are outside their domain: a float32 SUT sums squares that overflow where the reference does not', () => {
    // The short campaign's case: one element of 4e23 in an InstanceNormalization plane; every SUT gave 0.
    const model: Model = {
      opset: 17,
      inputs: [f32('x', [1, 1, 3])],
      weights: [
        { name: 's', value: makeTensor('float32', [1], [1]) },
        { name: 'b', value: makeTensor('float32', [1], [0]) },
      ],
      nodes: [{ name: 'in', op: 'InstanceNormalization', inputs: ['x', 's', 'b'], outputs: [f32('y', [1, 1, 3])], attrs: {} }],
      outputs: ['y'],
    };
    const huge = new Map([['x', makeTensor('float32', [1, 1, 3], [80, 2, 4e23])]]);
    expect(untrustedRun(model, huge, runReference(model, huge), registry)?.reason).toBe('outside-domain');
    const fine = new Map([['x', makeTensor('float32', [1, 1, 3], [80, 2, 4e15])]]);
    expect(untrustedRun(model, fine, runReference(model, fine), registry)).toBeUndefined();
  });
});
