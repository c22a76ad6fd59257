import { describe, expect, it } from 'vitest';
import { firstUntrustedValue, untrustedRun } from '../../src/inputsearch/clean.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

function single(op: string, inputs: number[][], attrs: Model['nodes'][number]['attrs'] = {}, outDtype: 'float32' | 'bool' | 'int32' | 'int64' = 'float32', outShape = [inputs[0]!.length]): string | undefined {
  const model: Model = {
    opset: 17,
    inputs: inputs.map((x, i) => ({ name: `x${i}`, dtype: 'float32' as const, shape: [x.length] })),
    weights: [],
    nodes: [{ name: 'n', op, inputs: inputs.map((_, i) => `x${i}`), outputs: [{ name: 'y', dtype: outDtype, shape: outShape }], attrs }],
    outputs: ['y'],
  };
  const feeds = new Map(inputs.map((x, i) => [`x${i}`, makeTensor('float32', [x.length], x)]));
  return firstUntrustedValue(model, runReference(model, feeds), registry)?.reason;
}

describe('stability near discontinuities', () => {
  it('distrusts Floor just off an integer, but not on it or far from it', () => {
    expect(single('Floor', [[1.99999, 0.5]])).toBe('near-discontinuity');
    expect(single('Floor', [[2, 0.5, -3]])).toBeUndefined();
  });

  it('distrusts a comparison of nearly equal values, with broadcasting', () => {
    expect(single('Less', [[1, 2.00001], [2]], {}, 'bool', [2])).toBe('near-discontinuity');
    expect(single('Less', [[1, 3], [2]], {}, 'bool', [2])).toBeUndefined();
  });

  it('distrusts ArgMax over a near tie, but not over an exact tie', () => {
    expect(single('ArgMax', [[1, 0.99999, -2]], { axis: 0, keepdims: 0 }, 'int64', [])).toBe('near-discontinuity');
    expect(single('ArgMax', [[1, 1, -2]], { axis: 0, keepdims: 0 }, 'int64', [])).toBeUndefined();
  });

  it('distrusts Round near a half and Cast to int near an integer', () => {
    expect(single('Round', [[2.50001]])).toBe('near-discontinuity');
    expect(single('Round', [[2.4]])).toBeUndefined();
    expect(single('Cast', [[2.99999]], { to: 6 }, 'int32')).toBe('near-discontinuity');
    expect(single('Cast', [[2.5]], { to: 6 }, 'int32')).toBeUndefined();
  });
});

describe('ill-conditioned normalizations', () => {
  /** InstanceNormalization of one [1, 1, n] plane with scale 1 and bias 0.7. */
  function instanceNorm(plane: number[], check: typeof untrustedRun | undefined = undefined): string | undefined {
    const shape = [1, 1, plane.length];
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape }],
      weights: [
        { name: 's', value: makeTensor('float32', [1], [1]) },
        { name: 'b', value: makeTensor('float32', [1], [0.7]) },
      ],
      nodes: [{ name: 'n', op: 'InstanceNormalization', inputs: ['x', 's', 'b'], outputs: [{ name: 'y', dtype: 'float32', shape }], attrs: {} }],
      outputs: ['y'],
    };
    const feeds = new Map([['x', makeTensor('float32', shape, plane)]]);
    const run = runReference(model, feeds);
    return (check ? check(model, feeds, run, registry) : firstUntrustedValue(model, run, registry))?.reason;
  }

  it('leave a plane of large values against a tiny deviation to the error bounds: one value is its bias, two an ulp apart are meaningless', () => {
    // A correct float32 computation gets the bias of a one-element plane whatever it holds: judged.
    expect(instanceNorm([20000])).toBeUndefined();
    expect(instanceNorm([20000], untrustedRun)).toBeUndefined();
    // Two values one float32 ulp apart: their deviation is all rounding.
    expect(instanceNorm([20000, 20000 + 2 ** -9], untrustedRun)).toBe('ill-conditioned');
  });

  it('trusts ordinary planes, and a constant plane of small values', () => {
    expect(instanceNorm([1, -2, 3.5, 0.25])).toBeUndefined();
    expect(instanceNorm([1.5])).toBeUndefined();
  });
});

describe('ill-conditioned remainders', () => {
  /** Mod(fmod=1) of `dividend` by `divisor`; the dividend is ReduceSumSquare of x when `summed`, else x itself. */
  function remainder(x: number[], divisor: number, summed: boolean): string | undefined {
    const dividendShape = summed ? [1] : [x.length];
    const nodes: Model['nodes'] = [
      ...(summed ? [{ name: 's', op: 'ReduceSumSquare', inputs: ['x'], outputs: [{ name: 'sq', dtype: 'float32' as const, shape: [1] }], attrs: { keepdims: 1 } }] : []),
      { name: 'm', op: 'Mod', inputs: [summed ? 'sq' : 'x', 'd'], outputs: [{ name: 'y', dtype: 'float32', shape: dividendShape }], attrs: { fmod: 1 } },
    ];
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [x.length] }],
      weights: [{ name: 'd', value: makeTensor('float32', [1], [divisor]) }],
      nodes,
      outputs: ['y'],
    };
    return firstUntrustedValue(model, runReference(model, new Map([['x', makeTensor('float32', [x.length], x)]])), registry)?.reason;
  }

  it('distrusts the remainder of a large computed dividend: it keeps the dividend’s float32 rounding', () => {
    // 504 squares of -2.8 sum to 3951.36; onnxruntime's float32 sum is off by 1.5e-3, and so is the remainder 0.56.
    const x = Array.from({ length: 504 }, () => Math.fround(-2.8));
    expect(remainder(x, -2.8, true)).toBe('ill-conditioned');
  });

  it('trusts a small computed dividend, and any dividend fed as an input (fmod is exact)', () => {
    expect(remainder([1.5, -2.25, 3], 0.7, true)).toBeUndefined();
    expect(remainder([3951.36, -1000], -2.8, false)).toBeUndefined();
  });
});

describe('values too small for float32', () => {
  /** ReduceProd over all of x. */
  function product(x: number[]): string | undefined {
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [x.length] }],
      weights: [],
      nodes: [{ name: 'p', op: 'ReduceProd', inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }], attrs: { keepdims: 1 } }],
      outputs: ['y'],
    };
    return firstUntrustedValue(model, runReference(model, new Map([['x', makeTensor('float32', [x.length], x)]])), registry)?.reason;
  }

  it('distrusts a product that underflows float32 to zero, as it does a subnormal one', () => {
    // 0.02^30 is 1e-51 in the float64 reference and 0 in float32: later comparisons of such values differ.
    expect(product(Array.from({ length: 30 }, () => 0.02))).toBe('subnormal');
    expect(product(Array.from({ length: 23 }, () => 0.02))).toBe('subnormal');
    expect(product([0.5, 0.25, 0])).toBeUndefined();
    expect(product(Array.from({ length: 10 }, () => 0.02))).toBeUndefined();
  });
});
