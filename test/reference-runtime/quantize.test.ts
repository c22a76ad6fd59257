import { describe, expect, it } from 'vitest';
import { ortSupports } from '../../src/backends/onnxruntime-support.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { validateModel } from '../../src/opspec/validate.js';
import { backward } from '../../src/reference-runtime/autodiff/backward.js';
import { cpuGradients } from '../../src/reference-runtime/autodiff/grads/index.js';
import { runReference, type ReferenceResult } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

/**
 * A one-node model: `feeds` are graph inputs, `consts` weights (scales and zero points, as the
 * generator makes them); `outputs` the node's output types. Returns the run and the model.
 */
function node(
  op: string,
  args: { feeds?: Tensor[]; consts?: (Tensor | undefined)[]; outputs: { dtype: DType; shape: number[] }[]; attrs?: Attrs; opset?: number },
): { model: Model; run: ReferenceResult } {
  const feeds = args.feeds ?? [];
  const consts = args.consts ?? [];
  const model: Model = {
    opset: args.opset ?? 17,
    inputs: feeds.map((t, i) => ({ name: `x${i}`, dtype: t.dtype, shape: t.shape })),
    weights: consts.flatMap((t, i) => (t ? [{ name: `c${i}`, value: t }] : [])),
    nodes: [
      {
        name: 'n',
        op,
        inputs: [...feeds.map((_, i) => `x${i}`), ...consts.map((t, i) => (t ? `c${i}` : ''))],
        outputs: args.outputs.map((o, i) => ({ name: `y${i}`, ...o })),
        attrs: args.attrs ?? {},
      },
    ],
    outputs: args.outputs.map((_, i) => `y${i}`),
  };
  validateModel(model, registry);
  return { model, run: runReference(model, new Map(feeds.map((t, i) => [`x${i}`, t]))) };
}

const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);
const scalar = (dtype: DType, x: number) => makeTensor(dtype, [], [x]);
const out = (run: ReferenceResult, i = 0) => Array.from(run.outputs.get(`y${i}`)!.data);

describe('QuantizeLinear', () => {
  it('rounds x / scale half to even, adds the zero point and saturates (the ONNX example)', () => {
    const { run } = node('QuantizeLinear', {
      feeds: [f32([6], [0, 2, 3, 1000, -254, -1000])],
      consts: [scalar('float32', 2), scalar('uint8', 128)],
      outputs: [{ dtype: 'uint8', shape: [6] }],
    });
    expect(out(run)).toEqual([128, 129, 130, 255, 1, 0]);
  });

  it('sends every tie to the even neighbour, negative ones too, and saturates int8 at -128 and 127', () => {
    const { run } = node('QuantizeLinear', {
      feeds: [f32([7], [0.5, 1.5, 2.5, -0.5, -1.5, 300, -300])],
      consts: [scalar('float32', 1), scalar('int8', 0)],
      outputs: [{ dtype: 'int8', shape: [7] }],
    });
    expect(out(run).map((v) => v + 0)).toEqual([0, 2, 2, 0, -2, 127, -128]);
  });

  it('quantizes to uint8 with a zero point of 0 when none is given', () => {
    const { run } = node('QuantizeLinear', { feeds: [f32([3], [-1, 0.26, 7])], consts: [scalar('float32', 0.5)], outputs: [{ dtype: 'uint8', shape: [3] }] });
    expect(out(run)).toEqual([0, 1, 14]);
  });

  it('quantizes per axis with one scale and zero point per index of the axis', () => {
    const { run } = node('QuantizeLinear', {
      feeds: [f32([2, 3], [1, 2, 4, -1, -2, -4])],
      consts: [makeTensor('float32', [3], [1, 2, 4]), makeTensor('int8', [3], [0, 10, -10])],
      outputs: [{ dtype: 'int8', shape: [2, 3] }],
      attrs: { axis: 1 },
    });
    expect(out(run).map((v) => v + 0)).toEqual([1, 11, -9, -1, 9, -11]);
  });

  it('rejects a per-axis scale whose length is not the axis dim', () => {
    expect(() =>
      node('QuantizeLinear', { feeds: [f32([2, 3], [1, 2, 3, 4, 5, 6])], consts: [makeTensor('float32', [2], [1, 2])], outputs: [{ dtype: 'uint8', shape: [2, 3] }], attrs: { axis: 1 } }),
    ).toThrow(/one element per index of the axis/);
  });

  it('divides in float32 as the SUTs do: a quotient that float32 rounds onto a tie is a tie', () => {
    // 0.350010484457016 / 0.10000299662351608 is 3.49999996 exactly, 3.5 in float32: to even, 4.
    const { run } = node('QuantizeLinear', { feeds: [f32([1], [0.350010484457016])], consts: [scalar('float32', 0.10000299662351608)], outputs: [{ dtype: 'uint8', shape: [1] }] });
    expect(out(run)).toEqual([4]);
  });

  it('distrusts an x / scale within a float32 rounding of a tie, but not an exact tie or a saturated one', () => {
    const trust = (x: number, scale = 1, zp = 0) =>
      firstUntrustedValue(...((r) => [r.model, r.run] as const)(node('QuantizeLinear', { feeds: [f32([1], [x])], consts: [scalar('float32', scale), scalar('uint8', zp)], outputs: [{ dtype: 'uint8', shape: [1] }] })), registry)?.reason;
    expect(trust(2.5000002)).toBe('near-discontinuity');
    expect(trust(2.4999998)).toBe('near-discontinuity');
    expect(trust(2.5)).toBeUndefined();
    expect(trust(2.51)).toBeUndefined();
    // Both sides of the tie saturate to 255.
    expect(trust(300.5000153, 1, 0)).toBeUndefined();
  });

  it('passes the gradient straight through, divided by the scale', () => {
    const { model, run } = node('QuantizeLinear', { feeds: [f32([2], [1, 2])], consts: [scalar('float32', 0.5)], outputs: [{ dtype: 'uint8', shape: [2] }] });
    const grads = backward({ model, run, seeds: new Map([['y0', Float64Array.of(1, 3)]]), gradients: cpuGradients() });
    expect(Array.from(grads.get('x0')!)).toEqual([2, 6]);
  });
});

describe('DequantizeLinear', () => {
  it('computes (x - zero_point) * scale per axis', () => {
    const { run } = node('DequantizeLinear', {
      feeds: [makeTensor('uint8', [2, 2], [10, 20, 30, 40])],
      consts: [makeTensor('float32', [2], [0.5, 2]), makeTensor('uint8', [2], [10, 0])],
      outputs: [{ dtype: 'float32', shape: [2, 2] }],
      attrs: { axis: 0 },
    });
    expect(out(run)).toEqual([0, 5, 60, 80]);
  });

  it('dequantizes int32 without a zero point', () => {
    const { run } = node('DequantizeLinear', { feeds: [makeTensor('int32', [2], [-1000, 7])], consts: [scalar('float32', 0.25)], outputs: [{ dtype: 'float32', shape: [2] }] });
    expect(out(run)).toEqual([-250, 1.75]);
  });

  it('has the exact gradient for x and the scale', () => {
    const { model, run } = node('DequantizeLinear', { feeds: [makeTensor('int8', [2], [3, -1])], consts: [scalar('float32', 0.5), scalar('int8', 1)], outputs: [{ dtype: 'float32', shape: [2] }] });
    const grads = backward({ model, run, seeds: new Map([['y0', Float64Array.of(1, 1)]]), gradients: cpuGradients() });
    expect(Array.from(grads.get('x0')!)).toEqual([0.5, 0.5]);
    expect(Array.from(grads.get('c0')!)).toEqual([2 - 2]);
  });
});

describe('DynamicQuantizeLinear', () => {
  it('computes the scale and zero point from the range widened to 0 (the ONNX example)', () => {
    const { run } = node('DynamicQuantizeLinear', {
      feeds: [f32([6], [0, 2, -3, -2.5, 1.34, 0.5])],
      outputs: [
        { dtype: 'uint8', shape: [6] },
        { dtype: 'float32', shape: [] },
        { dtype: 'uint8', shape: [] },
      ],
      opset: 11,
    });
    expect(out(run)).toEqual([153, 255, 0, 26, 221, 179]);
    expect(out(run, 1)[0]).toBeCloseTo(0.0196078438, 9);
    expect(out(run, 2)).toEqual([153]);
  });
});

describe('the integer ops', () => {
  it('MatMulInteger subtracts the zero points and sums exactly (the ONNX example)', () => {
    const { run } = node('MatMulInteger', {
      feeds: [makeTensor('uint8', [4, 3], [11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0]), makeTensor('uint8', [3, 2], [1, 4, 2, 5, 3, 6])],
      consts: [scalar('uint8', 12), scalar('uint8', 0)],
      outputs: [{ dtype: 'int32', shape: [4, 2] }],
    });
    expect(out(run)).toEqual([-38, -83, -44, -98, -50, -113, -56, -128]);
  });

  it('ConvInteger convolves x - x_zero_point', () => {
    const { run } = node('ConvInteger', {
      feeds: [makeTensor('uint8', [1, 1, 3, 3], [2, 3, 4, 5, 6, 7, 8, 9, 10]), makeTensor('uint8', [1, 1, 2, 2], [1, 1, 1, 1])],
      consts: [scalar('uint8', 1)],
      outputs: [{ dtype: 'int32', shape: [1, 1, 2, 2] }],
    });
    expect(out(run)).toEqual([12, 16, 24, 28]);
  });

  it('QLinearMatMul requantizes the exact sums with the float32 multiplier (the ONNX example)', () => {
    const { run } = node('QLinearMatMul', {
      feeds: [makeTensor('uint8', [2, 4], [208, 236, 0, 238, 3, 214, 255, 29])],
      consts: [
        scalar('float32', 0.0066),
        scalar('uint8', 113),
        makeTensor('uint8', [4, 3], [152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247]),
        scalar('float32', 0.00705),
        scalar('uint8', 114),
        scalar('float32', 0.0107),
        scalar('uint8', 118),
      ],
      outputs: [{ dtype: 'uint8', shape: [2, 3] }],
    });
    expect(out(run)).toEqual([168, 115, 255, 1, 66, 151]);
  });

  it('QLinearConv adds the int32 bias and uses one multiplier per output channel', () => {
    // x - 1 = [1, 2, 3, 4]; w: two 1x1 kernels (2 and 3, zero point 0); bias [1, -1].
    const { run } = node('QLinearConv', {
      feeds: [makeTensor('uint8', [1, 1, 2, 2], [2, 3, 4, 5])],
      consts: [
        scalar('float32', 0.5),
        scalar('uint8', 1),
        makeTensor('uint8', [2, 1, 1, 1], [2, 3]),
        makeTensor('float32', [2], [1, 0.25]),
        scalar('uint8', 0),
        scalar('float32', 1),
        scalar('uint8', 10),
        makeTensor('int32', [2], [1, -1]),
      ],
      outputs: [{ dtype: 'uint8', shape: [1, 2, 2, 2] }],
    });
    // Channel 0: (2x + 1) * 0.5 = 1.5, 2.5, 3.5, 4.5 -> 2, 2, 4, 4 (+10); channel 1: (3x - 1) * 0.125 = 0.25, 0.625, 1, 1.375 -> 0, 1, 1, 1 (+10).
    expect(out(run)).toEqual([12, 12, 14, 14, 10, 11, 11, 11]);
  });

  it('distrusts a requantized sum that lands on a tie, since a SUT forms the multiplier its own way', () => {
    const { model, run } = node('QLinearConv', {
      feeds: [makeTensor('uint8', [1, 1, 1, 1], [3])],
      consts: [scalar('float32', 0.5), scalar('uint8', 0), makeTensor('uint8', [1, 1, 1, 1], [1]), scalar('float32', 1), scalar('uint8', 0), scalar('float32', 1), scalar('uint8', 0)],
      outputs: [{ dtype: 'uint8', shape: [1, 1, 1, 1] }],
    });
    expect(out(run)).toEqual([2]);
    expect(firstUntrustedValue(model, run, registry)?.reason).toBe('near-discontinuity');
  });
});

describe('onnxruntime support', () => {
  it('knows the 8-bit combinations its QLinear kernels take, and no int32 QuantizeLinear', () => {
    const q = (x: DType, w: DType, y: DType) => [x, 'float32', x, w, 'float32', w, 'float32', y] as DType[];
    expect(ortSupports('QLinearConv', q('uint8', 'int8', 'uint8'))).toBe(true);
    expect(ortSupports('QLinearConv', q('int8', 'int8', 'int8'))).toBe(true);
    expect(ortSupports('QLinearConv', q('int8', 'uint8', 'int8'))).toBe(false);
    expect(ortSupports('QLinearMatMul', q('uint8', 'uint8', 'int8'))).toBe(false);
    expect(ortSupports('QuantizeLinear', ['int32', 'float32'])).toBe(false);
    expect(ortSupports('QuantizeLinear', ['float32', 'float32', 'int8'])).toBe(true);
  });
});
