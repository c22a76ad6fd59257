import { describe, expect, it } from 'vitest';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { inferConcrete } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);

/** Runs one node (output types inferred by its spec) and returns its outputs as plain arrays. */
function run(op: string, inputs: (Tensor | undefined)[], attrs: Attrs = {}, outputCount = 1): { shape: readonly number[]; dtype: string; data: number[] }[] {
  const types = inferConcrete(registry.get(op, 17), { inputs, attrs, constants: [], outputCount, opset: 17 }).outputs;
  const model: Model = {
    opset: 17,
    inputs: inputs.flatMap((t, i) => (t ? [{ name: `x${i}`, dtype: t.dtype, shape: t.shape }] : [])),
    weights: [],
    nodes: [{ name: 'n', op, inputs: inputs.map((t, i) => (t ? `x${i}` : '')), outputs: types.map((t, i) => ({ name: `y${i}`, ...t })), attrs }],
    outputs: types.map((_, i) => `y${i}`),
  };
  const feeds = new Map(inputs.flatMap((t, i) => (t ? [[`x${i}`, t] as const] : [])));
  const outs = runReference(model, feeds).outputs;
  return types.map((_, i) => {
    const t = outs.get(`y${i}`)!;
    return { shape: t.shape, dtype: t.dtype, data: Array.from(t.data) };
  });
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 12));
}

const values = (op: string, inputs: (Tensor | undefined)[], attrs: Attrs = {}) => run(op, inputs, attrs)[0]!.data;

describe('Gemm kernel', () => {
  it('applies transA, transB, alpha and a broadcast C scaled by beta', () => {
    // op(A) = A^T = [[1,3],[2,4]], op(B) = B^T = [[1,0],[0,1]] (identity), C = [10, 20] per column.
    const a = f32([2, 2], [1, 2, 3, 4]);
    const b = f32([2, 2], [1, 0, 0, 1]);
    const c = f32([2], [10, 20]);
    expect(values('Gemm', [a, b, c], { transA: 1, transB: 1, alpha: 2, beta: 0.5 })).toEqual([2 + 5, 6 + 10, 4 + 5, 8 + 10]);
  });

  it('multiplies rectangular operands without C', () => {
    const a = f32([1, 3], [1, 2, 3]);
    const b = f32([3, 2], [1, 2, 3, 4, 5, 6]);
    expect(values('Gemm', [a, b])).toEqual([22, 28]);
  });

  it('truncates integer results toward zero after scaling by a float alpha', () => {
    const a = makeTensor('int32', [1, 2], [3, -3]);
    const b = makeTensor('int32', [2, 2], [1, 0, 0, 1]);
    expect(values('Gemm', [a, b], { alpha: 0.5 })).toEqual([1, -1]);
  });
});

describe('ConvTranspose kernel', () => {
  // x = [1, 2, 3] scattered through the kernel [1, 10, 100] with stride 2: the full output is
  // [1, 10, 100+2, 20, 200+3, 30, 300].
  const x = f32([1, 1, 3], [1, 2, 3]);
  const w = f32([1, 1, 3], [1, 10, 100]);
  const full = [1, 10, 102, 20, 203, 30, 300];

  it('scatters with strides and trims explicit pads', () => {
    expect(values('ConvTranspose', [x, w], { strides: [2] })).toEqual(full);
    expect(values('ConvTranspose', [x, w], { strides: [2], pads: [1, 2] })).toEqual(full.slice(1, 5));
  });

  it('puts the odd unit of SAME padding at the end for SAME_UPPER and at the beginning for SAME_LOWER', () => {
    expect(values('ConvTranspose', [x, w], { strides: [2], auto_pad: 'SAME_UPPER' })).toEqual(full.slice(0, 6));
    expect(values('ConvTranspose', [x, w], { strides: [2], auto_pad: 'SAME_LOWER' })).toEqual(full.slice(1));
  });

  it('derives pads from output_shape, extending with zeros when it exceeds the full size', () => {
    // total padding 2: one unit each side.
    expect(values('ConvTranspose', [x, w], { strides: [2], output_shape: [5] })).toEqual(full.slice(1, 6));
    // total padding -1: floor halves give begin 0, end -1 (one extra zero at the end).
    expect(values('ConvTranspose', [x, w], { strides: [2], output_shape: [8] })).toEqual([...full, 0]);
  });

  it('adds output_padding at the end, dilates the kernel and adds the bias', () => {
    expect(values('ConvTranspose', [x, w], { strides: [2], output_padding: [1] })).toEqual([...full, 0]);
    const w2 = f32([1, 1, 2], [1, 10]);
    // dilation 2: x[i] lands on i and i + 2.
    expect(values('ConvTranspose', [x, w2, f32([1], [0.5])], { dilations: [2] })).toEqual([1.5, 2.5, 13.5, 20.5, 30.5]);
  });

  it('keeps groups apart', () => {
    // Two groups of one input and two output channels each.
    const xg = f32([1, 2, 1], [1, 2]);
    const wg = f32([2, 2, 1], [1, 2, 3, 4]);
    expect(values('ConvTranspose', [xg, wg], { group: 2 })).toEqual([1, 2, 6, 8]);
  });

  it('handles 2-D kernels', () => {
    const x2 = f32([1, 1, 2, 2], [1, 2, 3, 4]);
    const w2 = f32([1, 1, 2, 2], [1, 1, 1, 1]);
    expect(values('ConvTranspose', [x2, w2])).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });
});

describe('Conv kernel in 1-D and 3-D', () => {
  it('convolves a 1-D signal with dilation and pads', () => {
    const x = f32([1, 1, 5], [1, 2, 3, 4, 5]);
    const w = f32([1, 1, 2], [1, -1]);
    // taps at i - 1 and i + 1 over the zero-padded signal.
    expect(values('Conv', [x, w], { dilations: [2], pads: [1, 1] })).toEqual([-2, -2, -2, -2, 4]);
  });

  it('sums a 3-D box', () => {
    const x = f32([1, 1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const w = f32([2, 1, 2, 2, 2], [...Array(8).fill(1), ...Array(8).fill(-1)]);
    expect(values('Conv', [x, w])).toEqual([36, -36]);
  });
});

describe('pool kernels', () => {
  const ramp = f32([1, 1, 6], [1, 2, 3, 4, 5, 6]);

  it('refuses a ceil_mode window that would start in the end padding (ONNX shape inference and kernels disagree there)', () => {
    expect(() => run('MaxPool', [ramp], { kernel_shape: [2], strides: [3], ceil_mode: 1 })).toThrow(/no window of spatial dim 0 starts in the end padding/);
    expect(run('MaxPool', [ramp], { kernel_shape: [2], strides: [2], ceil_mode: 1 })[0]).toMatchObject({ shape: [1, 1, 3], data: [2, 4, 6] });
  });

  it('averages with and without the explicit padding, never counting positions past it', () => {
    const attrs = { kernel_shape: [3], strides: [2], pads: [1, 1], ceil_mode: 1 };
    // Windows [-1..1], [1..3], [3..5], [5..7]; position 7 is past the end pad of 1.
    expect(values('AveragePool', [ramp], { ...attrs, count_include_pad: 1 })).toEqual([1, 3, 5, 3]);
    expect(values('AveragePool', [ramp], attrs)).toEqual([1.5, 3, 5, 6]);
  });

  it('gives MaxPool indices over the whole tensor, row- or column-major within a plane', () => {
    // Two planes; the second is the first plus 10.
    const plane = [1, 2, 9, 5, 3, 4];
    const x = f32([1, 2, 2, 3], [...plane, ...plane.map((v) => v + 10)]);
    const rowMajor = run('MaxPool', [x], { kernel_shape: [2, 2] }, 2);
    expect(rowMajor[0]!.data).toEqual([5, 9, 15, 19]);
    expect(rowMajor[1]).toMatchObject({ dtype: 'int64', data: [3, 2, 9, 8] });
    // (1, 0) -> 1 + 0 * 2 and (0, 2) -> 0 + 2 * 2, plus the plane offset 6.
    expect(run('MaxPool', [x], { kernel_shape: [2, 2], storage_order: 1 }, 2)[1]!.data).toEqual([1, 4, 7, 10]);
  });

  it('skips padding and dilated gaps in MaxPool', () => {
    const x = f32([1, 1, 5], [5, -1, -2, -3, 4]);
    expect(values('MaxPool', [x], { kernel_shape: [2], pads: [1, 1] })).toEqual([5, 5, -1, -2, 4, 4]);
    expect(values('MaxPool', [x], { kernel_shape: [2], dilations: [3] })).toEqual([5, 4]);
  });

  it('takes the p-norm of each window, ignoring pads', () => {
    const x = f32([1, 1, 4], [3, -4, 1, 2]);
    expectClose(values('LpPool', [x], { kernel_shape: [2], strides: [2] }), [5, Math.sqrt(5)]);
    // Windows [-1, 0] and [1, 2].
    expect(values('LpPool', [x], { kernel_shape: [2], strides: [2], p: 1, pads: [1, 0] })).toEqual([3, 5]);
    expectClose(values('LpPool', [x], { kernel_shape: [4], p: 3 }), [Math.cbrt(27 + 64 + 1 + 8)]);
  });

  it('pools globally per plane', () => {
    const x = f32([1, 2, 2, 2], [1, 2, 3, 4, -1, -2, -3, -8]);
    expect(run('GlobalAveragePool', [x])[0]).toMatchObject({ shape: [1, 2, 1, 1], data: [2.5, -3.5] });
    expect(values('GlobalMaxPool', [x])).toEqual([4, -1]);
  });
});

describe('normalization kernels', () => {
  it('BatchNormalization uses the running statistics of each channel', () => {
    const x = f32([1, 2, 2], [1, 3, 10, 20]);
    const [scale, bias, mean, variance] = [f32([2], [2, 1]), f32([2], [0.5, -1]), f32([2], [1, 10]), f32([2], [4, 100])];
    // channel 0: (x - 1) / 2 * 2 + 0.5; channel 1: (x - 10) / 10 - 1
    expect(values('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: 0 })).toEqual([0.5, 2.5, -1, 0]);
  });

  it('InstanceNormalization normalizes each plane by its own population statistics', () => {
    const x = f32([2, 1, 2], [1, 3, 10, 30]);
    // plane means 2 and 20, standard deviations 1 and 10; scale 2, bias 1.
    expect(values('InstanceNormalization', [x, f32([1], [2]), f32([1], [1])], { epsilon: 0 })).toEqual([-1, 3, -1, 3]);
  });

  it('LayerNormalization broadcasts Scale and B and returns float32 Mean and InvStdDev', () => {
    const x = f32([2, 2], [1, 3, 2, 6]);
    const [y, mean, invStdDev] = run('LayerNormalization', [x, f32([2], [2, 1]), f32([1], [0.5])], { epsilon: 0 }, 3);
    expect(y!.data).toEqual([-1.5, 1.5, -1.5, 1.5]);
    expect(mean).toMatchObject({ dtype: 'float32', shape: [2, 1], data: [2, 4] });
    expect(invStdDev!.data).toEqual([1, 0.5]);
  });

  it('LayerNormalization normalizes over every dim from the axis on', () => {
    const x = makeTensor('float64', [1, 2, 2], [1, 3, 5, 7]);
    // mean 4, population variance 5
    const out = values('LayerNormalization', [x, makeTensor('float64', [2, 1], [1, 2])], { axis: 1, epsilon: 0 });
    const s = Math.sqrt(5);
    expectClose(out, [-3 / s, -1 / s, (1 / s) * 2, (3 / s) * 2]);
  });
});
