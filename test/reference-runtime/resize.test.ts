import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { inferConcrete } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { cubicCoefficients, nearestIndex, originalCoordinate, type AxisResize } from '../../src/reference-runtime/cpu/kernels/resize-coordinates.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

interface Case {
  dtype?: DType;
  shape: number[];
  x: number[];
  attrs?: Attrs;
  roi?: number[];
  scales?: number[];
  sizes?: number[];
  opset?: number;
}

/** Runs one Resize node on the reference: roi, scales and sizes become constant inputs. */
function resize(c: Case): { shape: number[]; data: number[] } {
  const dtype = c.dtype ?? 'float32';
  const opset = c.opset ?? 17;
  const consts = [
    c.roi && { name: 'roi', value: makeTensor('float32', [c.roi.length], c.roi) },
    c.scales && { name: 'scales', value: makeTensor('float32', [c.scales.length], c.scales) },
    c.sizes && { name: 'sizes', value: makeTensor('int64', [c.sizes.length], c.sizes) },
  ];
  const inputs = ['x', ...consts.map((w) => w?.name ?? '')];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const weights = consts.filter((w) => w !== undefined);
  const [out] = inferConcrete(registry.get('Resize', opset), {
    inputs: inputs.map((n, i) => (i === 0 ? { dtype, shape: c.shape } : n === '' ? undefined : weights.find((w) => w.name === n)!.value)),
    attrs: c.attrs ?? {},
    constants: inputs.map((n) => weights.find((w) => w.name === n)?.value),
    opset,
  }).outputs;
  const model: Model = {
    opset,
    inputs: [{ name: 'x', dtype, shape: c.shape }],
    weights,
    nodes: [{ name: 'n', op: 'Resize', inputs, outputs: [{ name: 'y', ...out! }], attrs: c.attrs ?? {} }],
    outputs: ['y'],
  };
  const y = runReference(model, new Map([['x', makeTensor(dtype, c.shape, c.x)]])).outputs.get('y')!;
  return { shape: [...y.shape], data: Array.from(y.data) };
}

describe('Resize coordinates and weights', () => {
  const axis = (inLen: number, outLen: number, scale: number, width = inLen * scale): AxisResize => ({ inLen, outLen, scale, width, roiStart: 0, roiEnd: 1 });

  it('maps output coordinates back by each coordinate transformation mode', () => {
    expect(originalCoordinate('half_pixel', 1, axis(4, 8, 2))).toBe(0.25);
    expect(originalCoordinate('asymmetric', 3, axis(4, 8, 2))).toBe(1.5);
    expect(originalCoordinate('pytorch_half_pixel', 1, axis(4, 8, 2))).toBe(0.25);
    // A resized length of 1 maps to 0 (the specification's text; ONNX's reference says -0.5).
    expect(originalCoordinate('pytorch_half_pixel', 0, axis(4, 1, 0.25))).toBe(0);
    // align_corners divides by the fractional width 4 * 0.6 = 2.4, not by the integer 2.
    expect(originalCoordinate('align_corners', 1, axis(4, 2, 0.6))).toBeCloseTo(3 / 1.4, 12);
  });

  it('rounds ties by nearest_mode and takes integers as they are', () => {
    expect([0.5, 2.5, 1.2, 1.7].map((x) => nearestIndex(x, 'round_prefer_floor'))).toEqual([0, 2, 1, 2]);
    expect([0.5, 2.5, 1.2, 1.7].map((x) => nearestIndex(x, 'round_prefer_ceil'))).toEqual([1, 3, 1, 2]);
    expect([1.7, -0.25, 3].map((x) => nearestIndex(x, 'floor'))).toEqual([1, -1, 3]);
    expect([1.2, -0.25, 3].map((x) => nearestIndex(x, 'ceil'))).toEqual([2, 0, 3]);
  });

  it("gives Keys' cubic weights, which sum to 1", () => {
    // A = -0.75 halfway between taps: kernel(0.5) = 0.59375, kernel(1.5) = -0.09375.
    expect(cubicCoefficients(0.5, -0.75)).toEqual([-0.09375, 0.59375, 0.59375, -0.09375]);
    const w = cubicCoefficients(0.3, -0.5);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });
});

describe('Resize kernel', () => {
  it('upsamples nearest with half_pixel and round_prefer_floor', () => {
    // x_original = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, 1.75, 2.25
    expect(resize({ shape: [3], x: [1, 2, 3], scales: [2] }).data).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('breaks exact ties by nearest_mode', () => {
    // Halving with half_pixel lands on 0.5 and 2.5.
    const run = (nearest_mode: string) => resize({ shape: [4], x: [10, 20, 30, 40], scales: [0.5], attrs: { nearest_mode } }).data;
    expect(run('round_prefer_floor')).toEqual([10, 30]);
    expect(run('round_prefer_ceil')).toEqual([20, 40]);
    expect(run('floor')).toEqual([10, 30]);
    expect(run('ceil')).toEqual([20, 40]);
  });

  it('interpolates bilinearly, reading the edge outside the input', () => {
    const y = resize({ shape: [2, 2], x: [0, 1, 2, 3], scales: [2, 2], attrs: { mode: 'linear' } });
    expect(y.shape).toEqual([4, 4]);
    expect(y.data).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it('uses the fractional output width for align_corners with scales (ONNX conformance data)', () => {
    const y = resize({ shape: [2, 4], x: [1, 2, 3, 4, 5, 6, 7, 8], scales: [0.6, 0.6], attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } });
    expect(y.shape).toEqual([1, 2]);
    expect(y.data[0]).toBe(1);
    // 1 + 3 / 1.4; the scale is float32(0.6), so the width is 2.4000001.
    expect(y.data[1]).toBeCloseTo(1 + 3 / 1.4, 6);
  });

  it('maps a single cubic output to 0 with pytorch_half_pixel and to the center with half_pixel', () => {
    const x = [1, 0, 0, 8];
    expect(resize({ shape: [4], x, sizes: [1], attrs: { mode: 'cubic', coordinate_transformation_mode: 'pytorch_half_pixel' } }).data).toEqual([1]);
    // half_pixel: 1.5, between taps 0..3 with weights -0.09375, 0.59375, 0.59375, -0.09375
    expect(resize({ shape: [4], x, sizes: [1], attrs: { mode: 'cubic' } }).data[0]).toBeCloseTo(-0.09375 * 9, 12);
  });

  it('drops and renormalizes cubic weights outside the input with exclude_outside', () => {
    const x = [10, 20, 40, 80];
    const attrs = { mode: 'cubic', coordinate_transformation_mode: 'asymmetric' };
    // Output 1 is at 0.5: taps -1..2. The edge-padded tap -1 reads 10.
    const kept = resize({ shape: [4], x, scales: [2], attrs }).data[1]!;
    expect(kept).toBeCloseTo(-0.09375 * 10 + 0.59375 * 10 + 0.59375 * 20 - 0.09375 * 40, 12);
    const excluded = resize({ shape: [4], x, scales: [2], attrs: { ...attrs, exclude_outside: 1 } }).data[1]!;
    expect(excluded).toBeCloseTo((0.59375 * 10 + 0.59375 * 20 - 0.09375 * 40) / 1.09375, 12);
  });

  it('crops every axis to its roi with tf_crop_and_resize, even one whose size does not change', () => {
    // x_original = x * 0.5 * 3 / 3 + 0.75 = 0.75, 1.25, 1.75, 2.25
    const y = resize({ shape: [4], x: [0, 1, 2, 3], sizes: [4], roi: [0.25, 0.75], attrs: { coordinate_transformation_mode: 'tf_crop_and_resize' } });
    expect(y.data).toEqual([1, 1, 2, 2]);
  });

  it('takes extrapolation_value where tf_crop_and_resize leaves the input along any axis', () => {
    const attrs = { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: -9 };
    // Axis 1: x_original = 2x - 1 = -1, 1, 3 over an input of 3; axis 0 stays inside.
    const y = resize({ shape: [2, 3], x: [0, 1, 2, 3, 4, 5], sizes: [2, 3], roi: [0, -0.5, 1, 1.5], attrs });
    expect(y.data).toEqual([-9, 1, -9, -9, 4, -9]);
  });

  it('truncates integer results, taking sums within rounding of an integer as that integer', () => {
    // Asymmetric x 3: outputs at 0, 1/3, 2/3, 1, ... Between -4 and 5: -1 and exactly 2 (float64 gives 1.9999999999999996).
    const y = resize({ dtype: 'int32', shape: [2], x: [-4, 5], sizes: [6], attrs: { mode: 'linear', coordinate_transformation_mode: 'asymmetric' } });
    expect(y.data).toEqual([-4, -1, 2, 5, 5, 5]);
    // 1.25 truncates to 1, -2.25 to -2.
    const z = resize({ dtype: 'int32', shape: [1, 4], x: [3, -4, 5, -6], scales: [1, 2], attrs: { mode: 'linear' } });
    expect(z.data).toEqual([3, 1, -2, -1, 2, 2, -3, -6]);
  });

  it('resizes only the axes whose scale is not 1 in an NCHW tensor', () => {
    const y = resize({ shape: [1, 2, 1, 2], x: [1, 2, 3, 4], scales: [1, 1, 2, 1.5] });
    expect(y.shape).toEqual([1, 2, 2, 3]);
    // Width 2 -> 3 with half_pixel: x_original = -1/6, 0.5, 7/6 -> 0, 0, 1 (round_prefer_floor).
    expect(y.data).toEqual([1, 1, 2, 1, 1, 2, 3, 3, 4, 3, 3, 4]);
  });

  it('widens the linear filter by 1 / scale with antialias when downscaling (Resize-18)', () => {
    // Halving: x_original = 0.5 and 2.5; the tent spans 4 taps with weights 1/8, 3/8, 3/8, 1/8.
    const x = [0, 4, 8, 16];
    const plain = resize({ opset: 18, shape: [4], x, scales: [0.5], attrs: { mode: 'linear' } });
    expect(plain.data).toEqual([2, 12]);
    const smooth = resize({ opset: 18, shape: [4], x, scales: [0.5], attrs: { mode: 'linear', antialias: 1 } });
    // Taps -1..2 read [0, 0, 4, 8]; taps 1..4 read [4, 8, 16, 16].
    expect(smooth.data).toEqual([2.5, 11.5]);
  });

  it('resizes the listed axes only, mapping scales through axes (Resize-18)', () => {
    const y = resize({ opset: 18, shape: [2, 2], x: [1, 2, 3, 4], scales: [2], attrs: { axes: [-1] } });
    expect(y.shape).toEqual([2, 4]);
    expect(y.data).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('centers the floored output with half_pixel_symmetric (Resize-19)', () => {
    // 5 x 0.5 = 2.5 wide, 2 kept: offset 2.5 * (1 - 2 / 2.5) = 0.5, x_original = 2x + 1.
    const x = [0, 1, 2, 3, 4];
    expect(resize({ opset: 19, shape: [5], x, scales: [0.5], attrs: { coordinate_transformation_mode: 'half_pixel_symmetric' } }).data).toEqual([1, 3]);
    // half_pixel lands on the ties 0.5 and 2.5 instead.
    expect(resize({ opset: 19, shape: [5], x, scales: [0.5] }).data).toEqual([0, 2]);
  });

  it('takes a coordinate within rounding of an input position as that position', () => {
    // 7 -> 9 with sizes: output 4 maps to exactly 3, which float64 computes as 2.9999999999999996.
    const y = resize({ shape: [7], x: [0, 10, 20, 30, 40, 50, 60], sizes: [9], attrs: { nearest_mode: 'floor' } });
    expect(y.data[4]).toBe(30);
  });
});
