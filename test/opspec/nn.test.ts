import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs } from '../../src/ir/model.js';
import { makeContext, type AttrBinding } from '../../src/opspec/context.js';
import { c, evalInt, v } from '../../src/opspec/expr.js';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { slidingWindowDims } from '../../src/opspec/ops/sliding-window.js';

const registry = builtinRegistry();
const t = (...shape: number[]) => ({ dtype: 'float32' as DType, shape });

function infer(op: string, inputs: ({ dtype: DType; shape: number[] } | undefined)[], attrs: Attrs = {}, outputCount = 1) {
  return inferConcrete(registry.get(op, 17), { inputs, attrs, constants: [], outputCount, opset: 17 }).outputs;
}
const shapes = (...args: Parameters<typeof infer>) => infer(...args).map((o) => o.shape);

describe('the shared sliding-window rule', () => {
  const dims = (inDim: number, k: number, stride: number, pads: [number, number], ceilMode: boolean, dilation = 1) =>
    slidingWindowDims([c(inDim)], [c(k)], { strides: [c(stride)], dilations: [c(dilation)], pads: pads.map(c), autoPad: 'NOTSET', ceilMode }).map(
      (e) => evalInt(e, () => undefined),
    );

  it('floors, or ceils without starting a window in the end padding', () => {
    expect(dims(6, 2, 3, [0, 0], false)).toEqual([2]);
    // ceil((6 - 2) / 3) + 1 = 3, but the third window would start at 6, past the input.
    expect(dims(6, 2, 3, [0, 0], true)).toEqual([2]);
    // ONNX's test_averagepool_2d_ceil: 4 wide, kernel 3, stride 2 -> 2.
    expect(dims(4, 3, 2, [0, 0], true)).toEqual([2]);
    // A last window that starts in the input but runs into the end padding stays.
    expect(dims(6, 3, 2, [1, 1], true)).toEqual([4]);
    expect(dims(5, 2, 1, [0, 0], false, 3)).toEqual([2]);
  });

  it('evaluates symbolically to the same numbers', () => {
    const e = slidingWindowDims([v('n')], [v('k')], { strides: [c(3)], dilations: [c(1)], pads: [c(0), c(0)], autoPad: 'NOTSET', ceilMode: true })[0]!;
    expect(evalInt(e, (name) => ({ n: 6, k: 2 })[name])).toBe(2);
    expect(evalInt(e, (name) => ({ n: 7, k: 2 })[name])).toBe(3);
  });
});

describe('pool specs', () => {
  it('gives pooled dims, SAME dims and MaxPool indices as int64', () => {
    expect(shapes('MaxPool', [t(1, 3, 32, 32)], { kernel_shape: [5, 5], strides: [3, 3] })).toEqual([[1, 3, 10, 10]]);
    expect(shapes('AveragePool', [t(1, 1, 5, 5)], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' })).toEqual([[1, 1, 3, 3]]);
    expect(shapes('LpPool', [t(2, 2, 7)], { kernel_shape: [3], pads: [2, 1] })).toEqual([[2, 2, 8]]);
    const [y, indices] = infer('MaxPool', [t(1, 1, 4, 4, 4)], { kernel_shape: [2, 2, 2], dilations: [1, 1, 2] }, 2);
    expect(y!.shape).toEqual([1, 1, 3, 3, 2]);
    expect(indices).toEqual({ dtype: 'int64', shape: [1, 1, 3, 3, 2] });
  });

  it('rejects pads as large as the kernel, a window larger than the input and padded dilated windows', () => {
    expect(() => infer('AveragePool', [t(1, 1, 5)], { kernel_shape: [2], pads: [2, 0] })).toThrow(/pads\[0\] < kernel_shape\[0\]/);
    expect(() => infer('MaxPool', [t(1, 1, 2)], { kernel_shape: [3] })).toThrow(/window fits/);
    expect(() => infer('MaxPool', [t(1, 1, 6)], { kernel_shape: [2], dilations: [2], pads: [1, 0] })).toThrow(/dilated spatial dim 0 has no pads/);
    expect(() => infer('AveragePool', [t(1, 1, 6)], { kernel_shape: [2], dilations: [2] })).toThrow(/'dilations' is not supported/);
  });

  it('reduces every spatial dim of the global pools to 1', () => {
    expect(shapes('GlobalAveragePool', [t(2, 3, 4, 5, 6)])).toEqual([[2, 3, 1, 1, 1]]);
    expect(shapes('GlobalMaxPool', [t(2, 3, 4)])).toEqual([[2, 3, 1]]);
  });
});

describe('Conv and ConvTranspose specs', () => {
  it('gives Conv output dims in 1-D and 3-D', () => {
    expect(shapes('Conv', [t(1, 2, 9), t(4, 2, 3)], { strides: [2], dilations: [2] })).toEqual([[1, 4, 3]]);
    expect(shapes('Conv', [t(1, 2, 4, 5, 6), t(4, 1, 2, 2, 3)], { group: 2, pads: [1, 0, 0, 1, 0, 0] })).toEqual([[1, 4, 5, 4, 4]]);
  });

  it('gives ConvTranspose output dims from pads, output_padding, output_shape and SAME', () => {
    const [x, w] = [t(1, 1, 3, 3), t(1, 2, 3, 3)];
    expect(shapes('ConvTranspose', [x, w])).toEqual([[1, 2, 5, 5]]);
    expect(shapes('ConvTranspose', [x, w], { strides: [3, 2], pads: [1, 2, 1, 2] })).toEqual([[1, 2, 7, 3]]);
    expect(shapes('ConvTranspose', [x, w], { strides: [3, 2], output_padding: [1, 1] })).toEqual([[1, 2, 10, 8]]);
    expect(shapes('ConvTranspose', [x, w], { strides: [3, 2], output_shape: [10, 8] })).toEqual([[1, 2, 10, 8]]);
    expect(shapes('ConvTranspose', [x, w], { strides: [2, 2], auto_pad: 'SAME_UPPER' })).toEqual([[1, 2, 6, 6]]);
    expect(shapes('ConvTranspose', [t(1, 4, 3), t(4, 3, 2), t(6)], { group: 2 })).toEqual([[1, 6, 4]]);
  });

  it('rejects output_padding at or above the stride and a wrong bias length', () => {
    expect(() => infer('ConvTranspose', [t(1, 1, 3), t(1, 1, 2)], { strides: [2], output_padding: [2] })).toThrow(/output_padding\[0\] < strides\[0\]/);
    expect(() => infer('ConvTranspose', [t(1, 4, 3), t(4, 3, 2), t(3)], { group: 2 })).toThrow(/B.shape == \[W.shape\[1\] \* group\]/);
  });

  it('keeps generated output_shape within the full size, but imports a larger one', () => {
    const spec = registry.get('ConvTranspose', 17);
    const ctx = (outputShape: AttrBinding) =>
      makeContext({
        spec,
        inputs: [
          { dtype: 'float32', shape: [c(1), c(1), c(3)] },
          { dtype: 'float32', shape: [c(1), c(1), c(3)] },
        ],
        declared: spec.attrs!([3, 3]),
        bindings: new Map([['output_shape', outputShape]]),
        outputCount: 1,
        opset: 17,
      });
    const labels = (b: AttrBinding) => spec.requires!(ctx(b)).map((r) => r.label);
    expect(labels([v('o')])).toContain('output_shape[0] <= full size');
    expect(labels([8])).not.toContain('output_shape[0] <= full size');
  });
});

describe('Gemm spec', () => {
  it('transposes operands and broadcasts C unidirectionally to [M, N]', () => {
    expect(shapes('Gemm', [t(4, 3), t(5, 4), t(1, 5)], { transA: 1, transB: 1 })).toEqual([[3, 5]]);
    expect(shapes('Gemm', [t(3, 6), t(6, 4), t(3, 1)])).toEqual([[3, 4]]);
    expect(shapes('Gemm', [t(2, 3), t(3, 4), t()])).toEqual([[2, 4]]);
    expect(() => infer('Gemm', [t(3, 6), t(6, 4), t(2, 4)])).toThrow(/C dim 0 broadcasts to \[M, N\]/);
    expect(() => infer('Gemm', [t(3, 6), t(4, 6)])).toThrow(/inner dims/);
  });
});

describe('normalization specs', () => {
  it('LayerNormalization gives float32 statistics with X leading dims and 1s after the axis', () => {
    const outs = infer('LayerNormalization', [{ dtype: 'float64', shape: [2, 3, 4, 5] }, { dtype: 'float64', shape: [4, 1] }], { axis: -2 }, 3);
    expect(outs).toEqual([
      { dtype: 'float64', shape: [2, 3, 4, 5] },
      { dtype: 'float32', shape: [2, 3, 1, 1] },
      { dtype: 'float32', shape: [2, 3, 1, 1] },
    ]);
  });

  it('LayerNormalization rejects a Scale that does not broadcast to the normalized shape', () => {
    expect(() => infer('LayerNormalization', [t(2, 3, 4), t(3, 4)])).toThrow(/at most as many dims/);
    expect(() => infer('LayerNormalization', [t(2, 3, 4), t(3)], { axis: 1 })).toThrow(/Scale dim 0 broadcasts/);
    expect(() => infer('LayerNormalization', [t(2, 3), t(3)], { axis: 2 })).toThrow(/axis in \[-2, 1\]/);
  });

  it('BatchNormalization is inference-only and per channel', () => {
    const stats = [t(3), t(3), t(3), t(3)];
    expect(shapes('BatchNormalization', [t(2, 3, 4), ...stats])).toEqual([[2, 3, 4]]);
    expect(() => infer('BatchNormalization', [t(2, 3, 4), ...stats], { training_mode: 1 })).toThrow(/inference only/);
    expect(() => infer('BatchNormalization', [t(2, 4), ...stats])).toThrow(SpecViolation);
    expect(registry.get('BatchNormalization', 17).domain).toEqual([{ input: 4, min: 0 }]);
  });

  it('InstanceNormalization needs a scale and a bias per channel', () => {
    expect(shapes('InstanceNormalization', [t(1, 2, 3), t(2), t(2)])).toEqual([[1, 2, 3]]);
    expect(() => infer('InstanceNormalization', [t(1, 2, 3), t(2), t(3)])).toThrow(/B.shape/);
  });
});

describe('imported attribute lists of the wrong length', () => {
  it('break a readable rule instead of crashing', () => {
    expect(() => infer('MaxPool', [t(1, 1, 4, 4)], { kernel_shape: [2, 2], pads: [1, 1] })).toThrow(/pads 4/);
    expect(() => infer('Conv', [t(1, 1, 4), t(1, 1, 2)], { strides: [1, 1] })).toThrow(/have 1 values/);
    expect(() => infer('Conv', [t(1, 1, 4), t(1, 1, 2)], { kernel_shape: [2, 2] })).toThrow(/kernel_shape has 1 values/);
    expect(() => infer('ConvTranspose', [t(1, 1, 4), t(1, 1, 2)], { output_padding: [0, 0] })).toThrow(/output_padding/);
  });
});
