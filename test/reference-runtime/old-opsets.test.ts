import { describe, expect, it } from 'vitest';
import type { AttrValue, Model } from '../../src/ir/model.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { runReference } from '../../src/reference-runtime/executor.js';

/** Runs one float32 node over x (its output shape given) at an opset. */
function run(opset: number, op: string, attrs: Record<string, AttrValue>, x: Tensor, outShape: number[]): number[] {
  const model: Model = {
    opset,
    inputs: [{ name: 'x', dtype: x.dtype, shape: x.shape }],
    weights: [],
    nodes: [{ name: 'n', op, inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: outShape }], attrs }],
    outputs: ['y'],
  };
  return Array.from(runReference(model, new Map([['x', x]])).outputs.get('y')!.data);
}

const x23: Tensor = { dtype: 'float32', shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) };

describe('older op versions in the reference kernels', () => {
  it('Softmax before 13 normalizes the dims from the axis on together (2-D coercion)', () => {
    const x: Tensor = { dtype: 'float32', shape: [1, 2, 2], data: Float64Array.of(0, 0, 0, 0) };
    expect(run(11, 'Softmax', { axis: 1 }, x, [1, 2, 2])).toEqual([0.25, 0.25, 0.25, 0.25]);
    // Opset 13 normalizes along axis 1 only: pairs of two.
    expect(run(13, 'Softmax', { axis: 1 }, x, [1, 2, 2])).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('Clip-6 clips to its attributes, and to nothing without them', () => {
    expect(run(9, 'Clip', { min: 2, max: 4.5 }, x23, [2, 3])).toEqual([2, 2, 3, 4, 4.5, 4.5]);
    expect(run(9, 'Clip', {}, x23, [2, 3])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("Pad-2 pads with its 'value' attribute", () => {
    expect(run(10, 'Pad', { pads: [0, 1, 0, 0], value: 7 }, x23, [2, 4])).toEqual([7, 1, 2, 3, 7, 4, 5, 6]);
  });

  it('ArgMax-11 (no select_last_index) picks the first extreme', () => {
    const x: Tensor = { dtype: 'float32', shape: [4], data: Float64Array.of(1, 3, 3, 0) };
    const model: Model = {
      opset: 11,
      inputs: [{ name: 'x', dtype: 'float32', shape: [4] }],
      weights: [],
      nodes: [{ name: 'n', op: 'ArgMax', inputs: ['x'], outputs: [{ name: 'y', dtype: 'int64', shape: [1] }], attrs: {} }],
      outputs: ['y'],
    };
    expect(Array.from(runReference(model, new Map([['x', x]])).outputs.get('y')!.data)).toEqual([1]);
  });

  it('Split-11 and Squeeze-11 take their sizes and axes as attributes', () => {
    const model: Model = {
      opset: 11,
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
      weights: [],
      nodes: [
        {
          name: 's',
          op: 'Split',
          inputs: ['x'],
          outputs: [
            { name: 'a', dtype: 'float32', shape: [2, 1] },
            { name: 'b', dtype: 'float32', shape: [2, 2] },
          ],
          attrs: { axis: -1, split: [1, 2] },
        },
        { name: 'q', op: 'Squeeze', inputs: ['a'], outputs: [{ name: 'c', dtype: 'float32', shape: [2] }], attrs: { axes: [1] } },
      ],
      outputs: ['b', 'c'],
    };
    const out = runReference(model, new Map([['x', x23]])).outputs;
    expect(Array.from(out.get('c')!.data)).toEqual([1, 4]);
    expect(Array.from(out.get('b')!.data)).toEqual([2, 3, 5, 6]);
  });
});
