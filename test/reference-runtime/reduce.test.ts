import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { runReference } from '../../src/reference-runtime/executor.js';

/** Runs one node on x (plus constant inputs) and returns the output's shape and values. */
function run(
  op: string,
  x: Tensor,
  outShape: number[],
  options: { attrs?: Attrs; constants?: (Tensor | undefined)[]; opset?: number; outDtype?: DType } = {},
): { shape: readonly number[]; data: number[] } {
  const constants = options.constants ?? [];
  const model: Model = {
    opset: options.opset ?? 17,
    inputs: [{ name: 'x', dtype: x.dtype, shape: x.shape }],
    weights: constants.flatMap((t, i) => (t ? [{ name: `c${i}`, value: t }] : [])),
    nodes: [
      {
        name: 'n',
        op,
        inputs: ['x', ...constants.map((t, i) => (t ? `c${i}` : ''))],
        outputs: [{ name: 'y', dtype: options.outDtype ?? x.dtype, shape: outShape }],
        attrs: options.attrs ?? {},
      },
    ],
    outputs: ['y'],
  };
  const y = runReference(model, new Map([['x', x]])).outputs.get('y')!;
  return { shape: y.shape, data: Array.from(y.data) };
}

const f64 = (shape: number[], data: number[]) => makeTensor('float64', shape, data);
const axes = (...a: number[]) => makeTensor('int64', [a.length], a);

describe('reduction kernels', () => {
  // [[1, 5, 3], [4, 2, 6]]
  const x = f64([2, 3], [1, 5, 3, 4, 2, 6]);

  it('reduce the given axes, keeping or dropping them', () => {
    expect(run('ReduceMax', x, [2, 1], { attrs: { axes: [1] } })).toEqual({ shape: [2, 1], data: [5, 6] });
    expect(run('ReduceMin', x, [3], { attrs: { axes: [-2], keepdims: 0 } })).toEqual({ shape: [3], data: [1, 2, 3] });
    expect(run('ReduceProd', f64([2, 2], [0.5, -1, 0.25, 1]), [1, 1])).toEqual({ shape: [1, 1], data: [-0.125] });
    expect(run('ReduceL1', f64([3], [1, -2, 3]), [])).toMatchObject({ data: [6] });
    expect(run('ReduceSumSquare', x, [1, 3], { attrs: { axes: [0] } }).data).toEqual([17, 29, 45]);
    expect(run('ReduceL2', f64([2], [3, -4]), [1]).data).toEqual([5]);
    expect(run('ReduceLogSum', f64([2], [1, Math.E - 1]), [1]).data[0]).toBeCloseTo(1, 14);
  });

  it('take axes from a constant input from opset 18, and reduce nothing with noop_with_empty_axes', () => {
    expect(run('ReduceMax', x, [3], { opset: 18, constants: [axes(0)], attrs: { keepdims: 0 } }).data).toEqual([4, 5, 6]);
    expect(run('ReduceL1', x, [1, 1], { opset: 18 }).data).toEqual([21]);
    expect(run('ReduceMin', x, [2, 3], { opset: 18, attrs: { noop_with_empty_axes: 1 } }).data).toEqual([1, 5, 3, 4, 2, 6]);
    expect(run('ReduceSumSquare', x, [2, 3], { opset: 18, constants: [axes()], attrs: { noop_with_empty_axes: 1 } }).data).toEqual([
      1, 25, 9, 16, 4, 36,
    ]);
  });

  it('computes LogSumExp shifted by the max, where exp() alone would overflow', () => {
    const y = run('ReduceLogSumExp', f64([2, 2], [1000, 1000, -1000, 0]), [2, 1], { attrs: { axes: [1] } }).data;
    expect(y[0]).toBeCloseTo(1000 + Math.LN2, 10);
    expect(y[1]).toBeCloseTo(0, 12);
  });

  it('truncates integer results toward zero and wraps integer products like the dtype', () => {
    expect(run('ReduceMean', makeTensor('int32', [2], [-1, -2]), [1]).data).toEqual([-1]);
    expect(run('ReduceL2', makeTensor('int64', [2], [1, 1]), [1]).data).toEqual([1]);
    // 65536 * 65537 = 2^32 + 2^16
    expect(run('ReduceProd', makeTensor('int32', [2], [65536, 65537]), [1]).data).toEqual([65536]);
    // 2^31 * 2^31 * 3 = 2^63 + 2^62, which wraps to -2^62 (exact in float64, so float64 alone would not wrap)
    expect(run('ReduceProd', makeTensor('int64', [3], [2 ** 31, 2 ** 31, 3]), [1]).data).toEqual([-(2 ** 62)]);
  });

  it('reduces bool with ReduceMax and ReduceMin from opset 20', () => {
    const b = makeTensor('bool', [2, 2], [0, 1, 0, 0]);
    expect(run('ReduceMax', b, [2, 1], { opset: 20, constants: [axes(1)] }).data).toEqual([1, 0]);
    expect(run('ReduceMin', b, [1, 2], { opset: 20, constants: [axes(0)] }).data).toEqual([0, 0]);
  });
});

describe('ArgMax and ArgMin', () => {
  // [[1, 3, 3], [2, 2, 0]]
  const x = makeTensor('int32', [2, 3], [1, 3, 3, 2, 2, 0]);
  const opts = (attrs: Attrs, shape: number[]) => [shape, { attrs, outDtype: 'int64' as const }] as const;

  it('give the first extreme index, or the last with select_last_index', () => {
    expect(run('ArgMax', x, ...opts({ axis: 1 }, [2, 1]))).toEqual({ shape: [2, 1], data: [1, 0] });
    expect(run('ArgMax', x, ...opts({ axis: 1, select_last_index: 1 }, [2, 1])).data).toEqual([2, 1]);
    expect(run('ArgMin', x, ...opts({ axis: -1, keepdims: 0 }, [2])).data).toEqual([0, 2]);
  });

  it('default to axis 0', () => {
    expect(run('ArgMin', x, ...opts({ keepdims: 0 }, [3])).data).toEqual([0, 1, 1]);
    expect(run('ArgMax', x, ...opts({}, [1, 3])).data).toEqual([1, 0, 0]);
  });
});

describe('CumSum', () => {
  const x = f64([5], [1, 2, 3, 4, 5]);
  const axis = (a: number, dtype: DType = 'int32') => makeTensor(dtype, [], [a]);
  const cum = (attrs: Attrs) => run('CumSum', x, [5], { attrs, constants: [axis(0)] }).data;

  it('sums inclusively or exclusively, forward or in reverse', () => {
    expect(cum({})).toEqual([1, 3, 6, 10, 15]);
    expect(cum({ exclusive: 1 })).toEqual([0, 1, 3, 6, 10]);
    expect(cum({ reverse: 1 })).toEqual([15, 14, 12, 9, 5]);
    expect(cum({ exclusive: 1, reverse: 1 })).toEqual([14, 12, 9, 5, 0]);
  });

  it('runs along the axis given by the rank-0 constant, negative or not', () => {
    const m = f64([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(run('CumSum', m, [2, 3], { constants: [axis(-1, 'int64')] }).data).toEqual([1, 3, 6, 4, 9, 15]);
    expect(run('CumSum', m, [2, 3], { constants: [axis(0)] }).data).toEqual([1, 2, 3, 5, 7, 9]);
  });
});

describe('Softmax and LogSoftmax', () => {
  it('normalize along the axis', () => {
    const x = f64([2, 2], [0, 0, Math.log(3), 0]);
    const s = run('Softmax', x, [2, 2], { attrs: { axis: 0 } }).data;
    expect(s.map((v) => Number(v.toFixed(12)))).toEqual([0.25, 0.5, 0.75, 0.5]);
    const l = run('LogSoftmax', x, [2, 2], { attrs: { axis: 0 } }).data;
    expect(l[0]).toBeCloseTo(Math.log(0.25), 12);
    expect(l[2]).toBeCloseTo(Math.log(0.75), 12);
  });

  it('keeps LogSoftmax finite where softmax underflows to 0', () => {
    expect(run('LogSoftmax', f64([2], [1000, 0]), [2]).data).toEqual([0, -1000]);
  });
});
