import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { AttrValue, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { inferConcrete } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

/**
 * Runs one node: `inputs` are fed, `constants` are weights after them (shape-typed inputs); the
 * output types are inferred by the op's spec. Returns every output's data.
 */
function run(op: string, opset: number, inputs: readonly (Tensor | undefined)[], attrs: Record<string, AttrValue> = {}, outputCount = 1, constants: readonly number[] = []): { dtype: DType; shape: readonly number[]; data: number[] }[] {
  const names = inputs.map((t, i) => (t ? `x${i}` : ''));
  const isConstant = (i: number) => constants.includes(i);
  const spec = registry.get(op, opset);
  const { outputs } = inferConcrete(spec, { inputs, attrs, constants: inputs.map((t, i) => (isConstant(i) ? t : undefined)), outputCount, opset });
  const model: Model = {
    opset,
    inputs: inputs.flatMap((t, i) => (t && !isConstant(i) ? [{ name: names[i]!, dtype: t.dtype, shape: t.shape }] : [])),
    weights: inputs.flatMap((t, i) => (t && isConstant(i) ? [{ name: names[i]!, value: t }] : [])),
    nodes: [{ name: 'n', op, inputs: names, outputs: outputs.map((o, i) => ({ name: `y${i}`, ...o })), attrs }],
    outputs: outputs.map((_, i) => `y${i}`),
  };
  const feeds = new Map(inputs.flatMap((t, i) => (t && !isConstant(i) ? [[names[i]!, t] as const] : [])));
  const result = runReference(model, feeds);
  return outputs.map((o, i) => ({ ...o, data: Array.from(result.outputs.get(`y${i}`)!.data) }));
}

const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);
const i64 = (shape: number[], data: number[]) => makeTensor('int64', shape, data);

describe('constants and shapes', () => {
  it('ConstantOfShape fills the shape with the value attribute, of its dtype (float32 0 by default)', () => {
    expect(run('ConstantOfShape', 17, [i64([2], [2, 3])], { value: [6, 7] }, 1, [0])[0]).toEqual({ dtype: 'int32', shape: [2, 3], data: [7, 7, 7, 7, 7, 7] });
    expect(run('ConstantOfShape', 9, [i64([1], [2])], {}, 1, [0])[0]).toEqual({ dtype: 'float32', shape: [2], data: [0, 0] });
    // A float64 value keeps its float64 precision.
    expect(run('ConstantOfShape', 21, [i64([1], [1])], { value: [11, 0.1] }, 1, [0])[0]!.data).toEqual([0.1]);
  });

  it('Size counts elements as an int64 scalar', () => {
    expect(run('Size', 13, [f32([3, 4, 5], Array(60).fill(0))])[0]).toEqual({ dtype: 'int64', shape: [], data: [60] });
  });

  it('Range steps from start towards limit, max(ceil((limit - start) / delta), 0) elements', () => {
    const r = (start: number, limit: number, delta: number, dtype: DType = 'float32') =>
      run('Range', 11, [makeTensor(dtype, [], [start]), makeTensor(dtype, [], [limit]), makeTensor(dtype, [], [delta])], {}, 1, [0, 1, 2])[0]!;
    // ONNX's examples: (3, 9, 3) -> [3, 6]; (10, 4, -2) -> [10, 8, 6].
    expect(r(3, 9, 3).data).toEqual([3, 6]);
    expect(r(10, 4, -2, 'int32')).toEqual({ dtype: 'int32', shape: [3], data: [10, 8, 6] });
    expect(r(1, 2, 0.25).data).toEqual([1, 1.25, 1.5, 1.75]);
    expect(r(5, 1, 1).shape).toEqual([0]);
  });

  it('EyeLike puts ones on the diagonal shifted by k, of the dtype attribute or the input', () => {
    expect(run('EyeLike', 17, [f32([3, 4], Array(12).fill(5))], { k: 1 })[0]).toEqual({ dtype: 'float32', shape: [3, 4], data: [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
    expect(run('EyeLike', 17, [f32([2, 2], [1, 2, 3, 4])], { k: -1, dtype: 6 })[0]).toEqual({ dtype: 'int32', shape: [2, 2], data: [0, 0, 1, 0] });
  });

  it('OneHot inserts the depth axis at axis, negative indices counting from the back', () => {
    const values = f32([2], [2, 5]);
    const out = run('OneHot', 11, [i64([3], [0, -1, 7]), makeTensor('float32', [], [3]), values], { axis: 0 }, 1, [1])[0]!;
    // Column j of the [depth, 3] output is the one-hot of index j: 0, -1 (= 2), 7 (out of range: all off).
    expect(out.shape).toEqual([3, 3]);
    expect(out.data).toEqual([5, 2, 2, 2, 2, 2, 2, 5, 2]);
    expect(run('OneHot', 11, [i64([2], [1, 0]), makeTensor('int64', [], [2]), values], {}, 1, [1])[0]!.data).toEqual([2, 5, 5, 2]);
  });
});

describe('selections and thresholds', () => {
  it('Dropout in inference is the identity, its mask all true (version 12 on)', () => {
    const x = f32([3], [1, -2, 3]);
    const [y, mask] = run('Dropout', 13, [x, makeTensor('float32', [], [0.3])], {}, 2, [1]);
    expect(y!.data).toEqual([1, -2, 3]);
    expect(mask).toEqual({ dtype: 'bool', shape: [3], data: [1, 1, 1] });
    expect(run('Dropout', 7, [x], { ratio: 0.2 })[0]!.data).toEqual([1, -2, 3]);
  });

  it('Dropout rejects a training run with a nonzero ratio (random) and accepts one with ratio 0', () => {
    const x = f32([2], [1, 2]);
    const training = makeTensor('bool', [], [1]);
    expect(() => run('Dropout', 13, [x, makeTensor('float32', [], [0.5]), training], {}, 1, [1, 2])).toThrow(/training_mode/);
    expect(run('Dropout', 13, [x, makeTensor('float32', [], [0]), training], {}, 2, [1, 2])[1]!.data).toEqual([1, 1]);
  });

  it('Hardmax marks the first largest element along the axis (13) or of the coerced row (before 13)', () => {
    const x = f32([2, 3], [3, 1, 3, 0, 4, 4]);
    expect(run('Hardmax', 13, [x])[0]!.data).toEqual([1, 0, 0, 0, 1, 0]);
    expect(run('Hardmax', 13, [x], { axis: 0 })[0]!.data).toEqual([1, 0, 0, 0, 1, 1]);
    // Version 11 with axis 0: the whole tensor is one row.
    expect(run('Hardmax', 11, [x], { axis: 0 })[0]!.data).toEqual([0, 0, 0, 0, 1, 0]);
  });

  it('ThresholdedRelu keeps x above alpha; Shrink moves x beyond lambd by bias towards 0', () => {
    expect(run('ThresholdedRelu', 17, [f32([4], [-1, 0.5, 1, 2.5])], { alpha: 1 })[0]!.data).toEqual([0, 0, 0, 2.5]);
    // ONNX's examples: hard shrink (lambd 1.5) and soft shrink (lambd 1.5, bias 1.5).
    const x = f32([5], [-2, -1, 0, 1, 2]);
    expect(run('Shrink', 17, [x], { lambd: 1.5 })[0]!.data).toEqual([-2, 0, 0, 0, 2]);
    expect(run('Shrink', 17, [x], { lambd: 1.5, bias: 1.5 })[0]!.data).toEqual([-0.5, 0, 0, 0, 0.5]);
    // Integers: the float result truncated.
    expect(run('Shrink', 17, [makeTensor('int32', [3], [-3, 0, 3])], { lambd: 1, bias: 0.5 })[0]!.data).toEqual([-2, 0, 2]);
  });

  it("CastLike casts to the second input's dtype", () => {
    const out = run('CastLike', 15, [f32([3], [1.7, -1.7, 0]), makeTensor('int32', [1], [0])])[0]!;
    expect(out).toEqual({ dtype: 'int32', shape: [3], data: [1, -1, 0] });
  });
});

describe('local normalizations', () => {
  it('LRN divides by (bias + alpha / size * sum of squares over the channel window) ^ beta', () => {
    // 3 channels of one pixel, size 3: channel 1's window is all three, channel 0's is 0..1.
    const x = f32([1, 3, 1, 1], [1, 2, 3]);
    const out = run('LRN', 13, [x], { size: 3, alpha: 0.3, beta: 0.5, bias: 1 })[0]!.data;
    const expected = [1 / Math.sqrt(1 + 0.1 * 5), 2 / Math.sqrt(1 + 0.1 * 14), 3 / Math.sqrt(1 + 0.1 * 13)];
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('MeanVarianceNormalization normalizes over its axes, adding 1e-9 to the standard deviation', () => {
    const out = run('MeanVarianceNormalization', 13, [f32([2, 2], [1, 3, 5, 5])], { axes: [1] })[0]!.data;
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[1]).toBeCloseTo(1, 6);
    // A constant row has zero variance: 0 / (0 + 1e-9) = 0.
    expect(out.slice(2)).toEqual([0, 0]);
  });

  it('GlobalLpPool takes the p-norm of each plane', () => {
    const x = f32([1, 2, 2], [3, -4, 1, 1]);
    const out = run('GlobalLpPool', 17, [x], { p: 2 })[0]!;
    expect(out.shape).toEqual([1, 2, 1]);
    expect(out.data[0]).toBeCloseTo(5, 9);
    expect(out.data[1]).toBeCloseTo(Math.SQRT2, 9);
    expect(run('GlobalLpPool', 17, [x], { p: 1 })[0]!.data).toEqual([7, 2]);
  });
});
