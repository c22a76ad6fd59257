import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { KernelRegistry } from '../../src/reference-runtime/cpu/kernel.js';
import { smallModel } from '../helpers.js';

function single(op: string, inputs: Tensor[], outShape: number[], attrs: Model['nodes'][number]['attrs'] = {}, weights: Tensor[] = []): number[] {
  const model: Model = {
    opset: 17,
    inputs: inputs.map((t, i) => ({ name: `x${i}`, dtype: t.dtype, shape: t.shape })),
    weights: weights.map((t, i) => ({ name: `c${i}`, value: t })),
    nodes: [
      {
        name: 'n',
        op,
        inputs: [...inputs.map((_, i) => `x${i}`), ...weights.map((_, i) => `c${i}`)],
        outputs: [{ name: 'y', dtype: inputs[0]!.dtype, shape: outShape }],
        attrs,
      },
    ],
    outputs: ['y'],
  };
  const feeds = new Map(inputs.map((t, i) => [`x${i}`, t]));
  return Array.from(runReference(model, feeds).outputs.get('y')!.data);
}

const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);

describe('CPU kernels', () => {
  it('runs a small model end to end in float64', () => {
    const out = runReference(
      smallModel(),
      new Map([
        ['x', f32([2, 3], [1, -1, 2, 0, 3, -4])],
        ['y', f32([2], [10, 20])],
      ]),
    ).outputs.get('out')!;
    // relu(x) = [[1,0,2],[0,3,0]]; @ [[1,2],[3,4],[5,6]] = [[11,14],[9,12]]; + [10,20]
    expect(Array.from(out.data)).toEqual([21, 34, 19, 32]);
  });

  it('keeps float64 precision for float32 models (the reference is more precise than the SUT)', () => {
    const out = single('Add', [f32([1], [1]), f32([1], [2 ** -30])], [1]);
    expect(out[0]).toBe(1 + 2 ** -30);
  });

  it('convolves with padding, stride and groups', () => {
    // 1 batch, 2 channels of 3x3, group 2, one 2x2 kernel of ones per group, pad 1, stride 2
    const x = f32([1, 2, 3, 3], [...Array(18).keys()]);
    const w = f32([2, 1, 2, 2], Array(8).fill(1));
    const out = single('Conv', [x, w], [1, 2, 2, 2], { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] });
    // channel 0 = [[0,1,2],[3,4,5],[6,7,8]] padded: windows at (-1,-1),(−1,1),(1,−1),(1,1)
    expect(out.slice(0, 4)).toEqual([0, 1 + 2, 3 + 6, 4 + 5 + 7 + 8]);
    expect(out.slice(4)).toEqual([9, 10 + 11, 12 + 15, 13 + 14 + 16 + 17]);
  });

  it('transposes, concatenates, reduces and softmaxes', () => {
    const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(single('Transpose', [x], [3, 2])).toEqual([1, 4, 2, 5, 3, 6]);
    expect(single('Concat', [x, x], [2, 6], { axis: 1 })).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    expect(single('ReduceMean', [x], [2, 1], { axes: [1] })).toEqual([2, 5]);
    expect(single('ReduceSum', [x], [3], { keepdims: 0 }, [makeTensor('int64', [1], [0])])).toEqual([5, 7, 9]);
    const s = single('Softmax', [makeTensor('float64', [2], [0, Math.log(3)])], [2]);
    expect(s[0]).toBeCloseTo(0.25, 12);
    expect(s[1]).toBeCloseTo(0.75, 12);
  });

  it('divides integers toward zero', () => {
    const a = makeTensor('int32', [2], [7, -7]);
    const b = makeTensor('int32', [2], [2, 2]);
    expect(single('Div', [a, b], [2])).toEqual([3, -3]);
  });

  it('the kernel registry throws on a duplicate op', () => {
    const k = () => [];
    expect(() => new KernelRegistry([{ Relu: k }, { Relu: k }])).toThrow(/registered twice/);
  });
});
