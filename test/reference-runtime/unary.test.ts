import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { erf } from '../../src/opspec/math.js';
import { runReference } from '../../src/reference-runtime/executor.js';

/** Runs one node on x (plus optional extra inputs; undefined leaves a slot empty) and returns its output. */
function run(op: string, x: Tensor, options: { attrs?: Attrs; extra?: (Tensor | undefined)[]; out?: DType; opset?: number } = {}): Tensor {
  const extra = options.extra ?? [];
  const model: Model = {
    opset: options.opset ?? 17,
    inputs: [x, ...extra.filter((t): t is Tensor => t !== undefined)].map((t, i) => ({ name: `x${i}`, dtype: t.dtype, shape: t.shape })),
    weights: [],
    nodes: [
      {
        name: 'n',
        op,
        inputs: ['x0', ...extra.map((t, i) => (t ? `x${extra.slice(0, i + 1).filter(Boolean).length}` : ''))],
        outputs: [{ name: 'y', dtype: options.out ?? x.dtype, shape: x.shape }],
        attrs: options.attrs ?? {},
      },
    ],
    outputs: ['y'],
  };
  const feeds = new Map(model.inputs.map((info, i) => [info.name, [x, ...extra.filter((t): t is Tensor => t !== undefined)][i]!]));
  return runReference(model, feeds).outputs.get('y')!;
}

const f64 = (data: number[]) => makeTensor('float64', [data.length], data);
const values = (t: Tensor) => Array.from(t.data);

describe('elementwise unary kernels', () => {
  it('rounds halves to the nearest even integer', () => {
    expect(values(run('Round', f64([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3])))).toEqual([0, 2, 2, -0, -2, -2, 2, -3, 3]);
  });

  it('takes floor, ceil and sign, keeping the sign of zero', () => {
    expect(values(run('Floor', f64([-1.5, 1.5, -0])))).toEqual([-2, 1, -0]);
    expect(values(run('Ceil', f64([-1.5, 1.5])))).toEqual([-1, 2]);
    expect(values(run('Sign', makeTensor('int32', [3], [-7, 0, 4])))).toEqual([-1, 0, 1]);
    expect(Object.is(run('Sign', f64([-0])).data[0], -0)).toBe(true);
  });

  it('decides jumps on the float32 value a float32 tensor holds, not on its float64 reference value', () => {
    // 1 - 2^-30 rounds to 1 in float32: a float32 SUT floors it to 1, not 0.
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'a', dtype: 'float32', shape: [1] }],
      weights: [{ name: 'b', value: makeTensor('float32', [1], [-(2 ** -30)]) }],
      nodes: [
        { name: 'add', op: 'Add', inputs: ['a', 'b'], outputs: [{ name: 's', dtype: 'float32', shape: [1] }], attrs: {} },
        { name: 'floor', op: 'Floor', inputs: ['s'], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }], attrs: {} },
      ],
      outputs: ['y'],
    };
    const out = runReference(model, new Map([['a', makeTensor('float32', [1], [1])]]));
    expect(out.values.get('s')!.data[0]).toBe(1 - 2 ** -30);
    expect(out.outputs.get('y')!.data[0]).toBe(1);
    // float64 tensors keep their value.
    expect(values(run('Floor', f64([1 - 2 ** -30])))).toEqual([0]);
  });

  it('computes erf to float64 accuracy on both sides of its series/continued-fraction switch', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(-3)).toBeCloseTo(-0.9999779095030014, 15);
    expect(erf(4)).toBeCloseTo(0.9999999845827421, 15);
    expect(erf(2.5 - 1e-12)).toBeCloseTo(erf(2.5 + 1e-12), 13);
    expect(erf(10)).toBe(1);
  });

  it('detects NaN and the infinities IsInf is asked for', () => {
    const x = f64([NaN, Infinity, -Infinity, 1]);
    expect(values(run('IsNaN', x, { out: 'bool' }))).toEqual([1, 0, 0, 0]);
    expect(values(run('IsInf', x, { out: 'bool' }))).toEqual([0, 1, 1, 0]);
    expect(values(run('IsInf', x, { out: 'bool', attrs: { detect_negative: 0 } }))).toEqual([0, 1, 0, 0]);
    expect(values(run('IsInf', x, { out: 'bool', attrs: { detect_positive: 0 } }))).toEqual([0, 0, 1, 0]);
  });

  it('negates bools', () => {
    expect(values(run('Not', makeTensor('bool', [2], [1, 0])))).toEqual([0, 1]);
  });
});

describe('Clip', () => {
  const x = f64([-3, -1, 0, 2, 5]);
  const scalar = (v: number, dtype: DType = 'float64') => makeTensor(dtype, [], [v]);

  it('clips to the given bounds and leaves a missing bound open', () => {
    expect(values(run('Clip', x, { extra: [scalar(-1), scalar(2)] }))).toEqual([-1, -1, 0, 2, 2]);
    expect(values(run('Clip', x, { extra: [undefined, scalar(1)] }))).toEqual([-3, -1, 0, 1, 1]);
    expect(values(run('Clip', x, { extra: [scalar(0)] }))).toEqual([0, 0, 0, 2, 5]);
    expect(values(run('Clip', x))).toEqual([-3, -1, 0, 2, 5]);
  });

  it('gives max everywhere when min > max', () => {
    expect(values(run('Clip', x, { extra: [scalar(3), scalar(1)] }))).toEqual([1, 1, 1, 1, 1]);
  });

  it('clips integers', () => {
    const xi = makeTensor('int64', [3], [-9, 4, 9]);
    expect(values(run('Clip', xi, { extra: [scalar(-2, 'int64'), scalar(5, 'int64')] }))).toEqual([-2, 4, 5]);
  });
});

describe('Cast', () => {
  it('truncates floats toward zero when casting to an integer', () => {
    expect(values(run('Cast', f64([-2.7, 2.7, -0.5, 7]), { attrs: { to: 6 }, out: 'int32' }))).toEqual([-2, 2, 0, 7]);
  });

  it('wraps integers that leave the target type (two-s complement)', () => {
    expect(values(run('Cast', makeTensor('int64', [2], [2 ** 31, -(2 ** 31) - 1]), { attrs: { to: 6 }, out: 'int32' }))).toEqual([
      -(2 ** 31),
      2 ** 31 - 1,
    ]);
  });

  it('maps zero to false and anything else, NaN included, to true', () => {
    expect(values(run('Cast', f64([0, -0, 0.25, NaN, -3]), { attrs: { to: 9 }, out: 'bool' }))).toEqual([0, 0, 1, 1, 1]);
    expect(values(run('Cast', makeTensor('bool', [2], [1, 0]), { attrs: { to: 1 }, out: 'float32' }))).toEqual([1, 0]);
  });

  it('rounds to float32 when the target is float32, and reads a float32 input as the float32 it holds', () => {
    expect(values(run('Cast', f64([1 + 2 ** -30]), { attrs: { to: 1 }, out: 'float32' }))).toEqual([1]);
    expect(values(run('Cast', makeTensor('int64', [1], [2 ** 24 + 1]), { attrs: { to: 1 }, out: 'float32' }))).toEqual([2 ** 24]);
    // The reference keeps float64 precision inside float32 tensors; a float64 result must not show it.
    const sum = runReference(
      {
        opset: 17,
        inputs: [{ name: 'a', dtype: 'float32', shape: [1] }],
        weights: [{ name: 'b', value: makeTensor('float32', [1], [2 ** -30]) }],
        nodes: [
          { name: 'add', op: 'Add', inputs: ['a', 'b'], outputs: [{ name: 's', dtype: 'float32', shape: [1] }], attrs: {} },
          { name: 'cast', op: 'Cast', inputs: ['s'], outputs: [{ name: 'y', dtype: 'float64', shape: [1] }], attrs: { to: 11 } },
        ],
        outputs: ['y'],
      },
      new Map([['a', makeTensor('float32', [1], [-1])]]),
    );
    expect(sum.values.get('s')!.data[0]).toBe(-1 + 2 ** -30);
    expect(sum.outputs.get('y')!.data[0]).toBe(-1);
  });

  it('accepts the opset 19 form with saturate', () => {
    expect(values(run('Cast', f64([1.5]), { attrs: { to: 7, saturate: 1 }, out: 'int64', opset: 19 }))).toEqual([1]);
  });
});

describe('activations', () => {
  it('follow the ONNX formulas with their default attributes', () => {
    const x = f64([-1, 0, 2]);
    // ONNX float attributes are float32: alpha 0.01 is 0.00999999977648258.
    expect(values(run('LeakyRelu', x))).toEqual([-Math.fround(0.01), 0, 2]);
    expect(run('Elu', x).data[0]).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(run('Selu', x).data[0]).toBeCloseTo(-1.1113307412864781, 15);
    expect(run('Selu', x).data[2]).toBeCloseTo(2 * 1.05070102214813232421875, 15);
    expect(values(run('HardSigmoid', f64([-5, 0, 1, 5])))).toEqual([0, 0.5, Math.fround(0.2) + 0.5, 1]);
    expect(values(run('HardSwish', f64([-4, 0, 3, 4])))).toEqual([-0, 0, 3, 4]);
    expect(run('Softplus', f64([-1])).data[0]).toBeCloseTo(0.31326168751822286, 15);
    expect(values(run('Softsign', f64([-3, 1])))).toEqual([-0.75, 0.5]);
  });

  it('use their attributes', () => {
    expect(values(run('LeakyRelu', f64([-2]), { attrs: { alpha: 0.25 } }))).toEqual([-0.5]);
    expect(run('Elu', f64([-2]), { attrs: { alpha: 2 } }).data[0]).toBeCloseTo(2 * (Math.exp(-2) - 1), 15);
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) with alpha 0.5
    const celu = run('Celu', makeTensor('float32', [2], [-2, 3]), { attrs: { alpha: 0.5 } });
    expect(celu.data[0]).toBeCloseTo(-0.4908421805556329, 15);
    expect(celu.data[1]).toBe(3);
  });

  it('keep softplus finite where a literal ln(exp(x) + 1) overflows', () => {
    expect(values(run('Softplus', f64([1000, -1000])))).toEqual([1000, 0]);
  });

  it('compute Gelu exactly or with the tanh approximation (opset 20)', () => {
    const x = f64([1, -2]);
    const exact = run('Gelu', x, { opset: 20 });
    expect(exact.data[0]).toBeCloseTo(0.8413447460685429, 15);
    expect(exact.data[1]).toBeCloseTo(-0.04550026389635842, 15);
    expect(run('Gelu', x, { opset: 20, attrs: { approximate: 'tanh' } }).data[0]).toBeCloseTo(0.8411919906082768, 15);
  });
});
