import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import type { Attrs } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { evalInt, showInt, v } from '../../src/opspec/expr.js';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { binaryFraction, scaledDim } from '../../src/opspec/ops/resize.js';

const registry = builtinRegistry();

/** Output shape of a Resize on X of `shape`; omitted constants are left out of the node. */
function infer(shape: number[], consts: { roi?: number[]; scales?: number[]; sizes?: number[] }, attrs: Attrs = {}, opset = 17): number[] {
  const tensors: (Tensor | undefined)[] = [
    undefined,
    consts.roi && makeTensor('float32', [consts.roi.length], consts.roi),
    consts.scales && makeTensor('float32', [consts.scales.length], consts.scales),
    consts.sizes && makeTensor('int64', [consts.sizes.length], consts.sizes),
  ];
  while (tensors.length > 1 && tensors[tensors.length - 1] === undefined) tensors.pop();
  return inferConcrete(registry.get('Resize', opset), {
    inputs: tensors.map((t, i) => (i === 0 ? { dtype: 'float32', shape } : t && { dtype: t.dtype, shape: t.shape })),
    attrs,
    constants: tensors,
    opset,
  }).outputs[0]!.shape.slice();
}

describe('Resize spec', () => {
  it('gives floor(dim * scale) with scales and the sizes themselves with sizes', () => {
    expect(infer([1, 3, 5, 7], { scales: [1, 1, 0.5, 1.5] })).toEqual([1, 3, 2, 10]);
    expect(infer([1, 3, 5, 7], { sizes: [1, 3, 9, 2] })).toEqual([1, 3, 9, 2]);
  });

  it('multiplies an imported float32 scale in float64, as ONNX does', () => {
    // float32(0.6) * 4 = 2.4000001 -> 2; float32(0.7) * 10 = 6.99999988 -> 6 (float32 arithmetic would round to 7).
    expect(infer([4, 10], { scales: [0.6, 0.7] })).toEqual([2, 6]);
  });

  it('takes an empty scales tensor as absent (the opset 11 way to give sizes)', () => {
    expect(infer([2, 3], { roi: [], scales: [], sizes: [4, 5] })).toEqual([4, 5]);
  });

  it('needs exactly one of scales and sizes, one entry per dim', () => {
    expect(() => infer([2, 3], { scales: [2, 2], sizes: [4, 6] })).toThrow(/exactly one of scales and sizes/);
    expect(() => infer([2, 3], {})).toThrow(/exactly one of scales and sizes/);
    expect(() => infer([2, 3], { scales: [2] })).toThrow(/scales has one entry per resized axis \(2\)/);
    expect(() => infer([2, 3], { scales: [2, -1] })).toThrow(/scales are positive/);
    expect(() => infer([2, 3], { sizes: [4] })).toThrow(/sizes has one entry per resized axis \(2\)/);
  });

  it('needs a roi of 2 entries per dim for tf_crop_and_resize only', () => {
    const crop = { coordinate_transformation_mode: 'tf_crop_and_resize' };
    expect(() => infer([2, 3], { sizes: [4, 6] }, crop)).toThrow(/tf_crop_and_resize needs roi/);
    expect(infer([2, 3], { roi: [0, 0, 1, 1], sizes: [4, 6] }, crop)).toEqual([4, 6]);
    expect(infer([2, 3], { roi: [0, 1], sizes: [4, 6] })).toEqual([4, 6]);
  });

  it('accepts every mode on import, including ones it does not generate, and rejects unknown ones', () => {
    expect(infer([1, 2, 3, 4], { scales: [1, 1, 2, 2] }, { mode: 'cubic', coordinate_transformation_mode: 'align_corners', exclude_outside: 1 })).toEqual([1, 2, 6, 8]);
    expect(() => infer([2, 3], { scales: [2, 2] }, { mode: 'bilinear' })).toThrow(SpecViolation);
    // tf_half_pixel_for_nn was dropped in Resize-13.
    expect(() => infer([2, 3], { scales: [2, 2] }, { coordinate_transformation_mode: 'tf_half_pixel_for_nn' })).toThrow(SpecViolation);
  });

  it('resizes only the listed axes from Resize-18 on, in the order axes gives', () => {
    expect(infer([2, 3, 4], { scales: [2, 0.5] }, { axes: [2, -3] }, 18)).toEqual([1, 3, 8]);
    expect(infer([2, 3, 4], { sizes: [5] }, { axes: [1] }, 18)).toEqual([2, 5, 4]);
    expect(() => infer([2, 3, 4], { scales: [2, 2, 2] }, { axes: [1] }, 18)).toThrow(/scales has one entry per resized axis \(1\)/);
    expect(() => infer([2, 3, 4], { scales: [2, 2] }, { axes: [1, -2] }, 18)).toThrow(/axes are distinct/);
    expect(() => infer([2, 3, 4], { scales: [2, 2, 2] }, { axes: [0, 1, 2] })).toThrow(/attribute 'axes' is not supported/);
  });

  it('keeps the aspect ratio with one scale, rounding each dim half up', () => {
    // sizes [2, 2] over [4, 6]: ratios 1/2 and 1/3.
    expect(infer([4, 6], { sizes: [2, 2] }, { keep_aspect_ratio_policy: 'not_larger' }, 18)).toEqual([1, 2]);
    expect(infer([4, 6], { sizes: [2, 2] }, { keep_aspect_ratio_policy: 'not_smaller' }, 18)).toEqual([2, 3]);
    expect(infer([4, 6], { sizes: [3] }, { axes: [1], keep_aspect_ratio_policy: 'not_larger' }, 18)).toEqual([4, 3]);
  });

  it('allows antialias only with linear and cubic, and half_pixel_symmetric only from Resize-19', () => {
    expect(infer([4, 6], { scales: [0.5, 0.5] }, { mode: 'linear', antialias: 1 }, 18)).toEqual([2, 3]);
    expect(() => infer([4, 6], { scales: [0.5, 0.5] }, { antialias: 1 }, 18)).toThrow(/antialias is for linear and cubic modes only/);
    expect(infer([5], { scales: [0.5] }, { coordinate_transformation_mode: 'half_pixel_symmetric' }, 19)).toEqual([2]);
    expect(() => infer([5], { scales: [0.5] }, { coordinate_transformation_mode: 'half_pixel_symmetric' }, 18)).toThrow(SpecViolation);
  });

  it('writes floor(dim * scale) symbolically for binary-fraction scales', () => {
    expect(binaryFraction(0.75)).toEqual([3, 4]);
    expect(binaryFraction(3)).toEqual([3, 1]);
    expect(binaryFraction(0.6)).toBeUndefined();
    const e = scaledDim(v('d'), 1.5);
    expect(showInt(e)).toBe('((d * 3) // 2)');
    expect(evalInt(e, () => 5)).toBe(7);
    expect(() => scaledDim(v('d'), 0.6)).toThrow(/not a binary fraction/);
  });

  it('generates exactly one of scales and sizes, with scales stored as float32 fractions', async () => {
    let withScales = 0;
    let withSizes = 0;
    for (let seed = 0; seed < 40; seed++) {
      const { model } = await generateModel({ maxNodes: 1, ops: ['Resize'] }, registry, new Rng(`resize-spec/${seed}`));
      const node = model.nodes[0]!;
      const scales = model.weights.find((w) => w.name === node.inputs[2]);
      const sizes = model.weights.find((w) => w.name === node.inputs[3]);
      expect(scales === undefined, `seed ${seed}: ${node.inputs.join('|')}`).not.toBe(sizes === undefined);
      if (scales) {
        withScales++;
        expect(scales.value.dtype).toBe('float32');
        const x = model.inputs.find((i) => i.name === node.inputs[0]) ?? model.weights.find((w) => w.name === node.inputs[0])!.value;
        expect(node.outputs[0]!.shape).toEqual(x.shape.map((d, i) => Math.floor(d * scales.value.data[i]!)));
      } else withSizes++;
    }
    expect(withScales).toBeGreaterThan(5);
    expect(withSizes).toBeGreaterThan(5);
  });
});
