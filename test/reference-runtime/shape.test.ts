import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { padSource } from '../../src/reference-runtime/cpu/kernels/pad.js';

/** A node input: a fed tensor, a constant (a weight: shape-typed inputs must be), or omitted. */
type In = { fed: Tensor } | { constant: Tensor } | undefined;

const fed = (t: Tensor): In => ({ fed: t });
const ints = (...values: number[]): In => ({ constant: makeTensor('int64', [values.length], values) });
const f64 = (shape: number[], data: number[]) => makeTensor('float64', shape, data);
const iota = (shape: number[], dtype: DType = 'float64') => makeTensor(dtype, shape, [...Array(shape.reduce((a, b) => a * b, 1)).keys()]);

/** Runs one node on the reference runtime; returns every output as [shape, values]. */
function run(op: string, inputs: In[], attrs: Attrs = {}, opts: { opset?: number; outputs?: number } = {}): [number[], number[]][] {
  const names = inputs.map((x, i) => (x === undefined ? '' : `i${i}`));
  const outputs = Array.from({ length: opts.outputs ?? 1 }, (_, i) => ({ name: `y${i}`, dtype: 'float64' as DType, shape: [] }));
  const model: Model = {
    opset: opts.opset ?? 17,
    inputs: inputs.flatMap((x, i) => (x && 'fed' in x ? [{ name: names[i]!, dtype: x.fed.dtype, shape: x.fed.shape }] : [])),
    weights: inputs.flatMap((x, i) => (x && 'constant' in x ? [{ name: names[i]!, value: x.constant }] : [])),
    nodes: [{ name: 'n', op, inputs: names, outputs, attrs }],
    outputs: outputs.map((o) => o.name),
  };
  const feeds = new Map(inputs.flatMap((x, i) => (x && 'fed' in x ? [[names[i]!, x.fed] as const] : [])));
  const result = runReference(model, feeds).outputs;
  return outputs.map((o) => {
    const t = result.get(o.name)!;
    return [[...t.shape], Array.from(t.data)];
  });
}

const one = (...args: Parameters<typeof run>) => run(...args)[0]!;

describe('shape and data movement kernels', () => {
  it('Flatten, Squeeze and Unsqueeze keep the data and change the shape', () => {
    expect(one('Flatten', [fed(iota([2, 3, 2]))], { axis: 2 })).toEqual([[6, 2], [...Array(12).keys()]]);
    expect(one('Squeeze', [fed(iota([1, 3, 1])), ints(0)])).toEqual([[3, 1], [0, 1, 2]]);
    expect(one('Unsqueeze', [fed(iota([3])), ints(-1, 0)])).toEqual([[1, 3, 1], [0, 1, 2]]);
  });

  it('Split cuts consecutive parts along the axis (Split-18: the last part is the short one)', () => {
    const x = iota([2, 5]);
    expect(run('Split', [fed(x), ints(2, 3)], { axis: 1 }, { outputs: 2 })).toEqual([
      [[2, 2], [0, 1, 5, 6]],
      [[2, 3], [2, 3, 4, 7, 8, 9]],
    ]);
    expect(run('Split', [fed(x)], { axis: -1, num_outputs: 2 }, { outputs: 2, opset: 18 })).toEqual([
      [[2, 3], [0, 1, 2, 5, 6, 7]],
      [[2, 2], [3, 4, 8, 9]],
    ]);
  });

  it('Slice steps backward from a clamped start and stops before a clamped end', () => {
    const x = iota([3, 4]);
    // rows: start 100 -> 2 (dims - 1), end -100 -> -1 (before row 0), step -2: rows 2, 0; columns 1..2.
    expect(one('Slice', [fed(x), ints(100, 1), ints(-100, -1), ints(0, 1), ints(-2, 1)])).toEqual([[2, 2], [9, 10, 1, 2]]);
    // Only axis -1, start -1, end -5 (clamped to -1): the whole row reversed.
    expect(one('Slice', [fed(x), ints(-1), ints(-5), ints(-1), ints(-1)])).toEqual([[3, 4], [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]]);
    expect(one('Slice', [fed(x), ints(1), ints(3)])).toEqual([[2, 4], [4, 5, 6, 7, 8, 9, 10, 11]]);
  });

  it('Expand broadcasts both ways; Tile repeats whole blocks', () => {
    expect(one('Expand', [fed(f64([2, 1], [1, 2])), ints(2, 1, 3)])).toEqual([[2, 2, 3], [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]]);
    expect(one('Tile', [fed(f64([2, 2], [1, 2, 3, 4])), ints(2, 3)])).toEqual([
      [4, 6],
      [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4],
    ]);
  });

  it('Pad fills by mode: constant, edge, reflect (mirrored on the edge value) and wrap', () => {
    const x = f64([1, 3], [1, 2, 3]);
    const value = makeTensor('float64', [], [9]);
    expect(one('Pad', [fed(x), ints(0, 2, 0, 1), fed(value)])).toEqual([[1, 6], [9, 9, 1, 2, 3, 9]]);
    expect(one('Pad', [fed(x), ints(0, 2, 0, 1)], { mode: 'edge' })).toEqual([[1, 6], [1, 1, 1, 2, 3, 3]]);
    expect(one('Pad', [fed(x), ints(0, 2, 0, 2)], { mode: 'reflect' })).toEqual([[1, 7], [3, 2, 1, 2, 3, 2, 1]]);
    expect(one('Pad', [fed(x), ints(0, 2, 0, 3)], { mode: 'wrap' }, { opset: 19 })).toEqual([[1, 8], [2, 3, 1, 2, 3, 1, 2, 3]]);
    // Negative pads crop first, then the mode pads what is left (as onnxruntime does); axes (18+) name the padded axes.
    expect(one('Pad', [fed(x), ints(0, -1, 0, 1)])).toEqual([[1, 3], [2, 3, 0]]);
    expect(one('Pad', [fed(x), ints(0, -1, 0, 1)], { mode: 'reflect' })).toEqual([[1, 3], [2, 3, 2]]);
    expect(one('Pad', [fed(x), ints(0, -1, 0, 2)], { mode: 'wrap' }, { opset: 19 })).toEqual([[1, 4], [2, 3, 2, 3]]);
    expect(one('Pad', [fed(x), ints(1, 0), undefined, ints(-1)], {}, { opset: 18 })).toEqual([[1, 4], [0, 1, 2, 3]]);
  });

  it('reflect padding past the far edge repeats like numpy does', () => {
    // numpy.pad([0, 1, 2], 5, 'reflect') = [1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1]: period 2 * (3 - 1).
    const xs = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((x) => padSource('reflect', x, 3));
    expect(xs).toEqual([1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1]);
  });

  it('Gather takes whole slices at (possibly negative) indices; GatherElements one element each', () => {
    const x = iota([3, 2]);
    const idx = makeTensor('int64', [2, 2], [0, -1, 2, 0]);
    expect(one('Gather', [fed(x), fed(idx)])).toEqual([[2, 2, 2], [0, 1, 4, 5, 4, 5, 0, 1]]);
    expect(one('Gather', [fed(x), fed(makeTensor('int32', [], [-1]))], { axis: 1 })).toEqual([[3], [1, 3, 5]]);
    const data = f64([3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const elementIdx = makeTensor('int32', [2, 3], [1, 2, 0, 2, 0, -3]);
    expect(one('GatherElements', [fed(data), fed(elementIdx)])).toEqual([[2, 3], [4, 8, 3, 7, 2, 3]]);
    expect(one('GatherElements', [fed(data), fed(makeTensor('int64', [3, 1], [2, -3, 1]))], { axis: 1 })).toEqual([[3, 1], [3, 4, 8]]);
    expect(() => one('Gather', [fed(x), fed(makeTensor('int64', [1], [3]))])).toThrow(/index 3 is out of range/);
  });

  it('Trilu keeps a triangle shifted by k in every matrix of the batch', () => {
    const x = f64([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(one('Trilu', [fed(x)])).toEqual([[2, 2, 3], [1, 2, 3, 0, 5, 6, 7, 8, 9, 0, 11, 12]]);
    const k = (n: number): In => ({ constant: makeTensor('int64', [], [n]) });
    expect(one('Trilu', [fed(x), k(1)], { upper: 1 })).toEqual([[2, 2, 3], [0, 2, 3, 0, 0, 6, 0, 8, 9, 0, 0, 12]]);
    expect(one('Trilu', [fed(x), k(-1)], { upper: 0 })).toEqual([[2, 2, 3], [0, 0, 0, 4, 0, 0, 0, 0, 0, 10, 0, 0]]);
  });

  it('DepthToSpace orders channels DCR or CRD; SpaceToDepth inverts DCR', () => {
    // 4 channels of 1x1, blocksize 2: DCR reads channel (bh*2 + bw), CRD likewise with one output channel.
    const x = f64([1, 8, 1, 1], [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(one('DepthToSpace', [fed(x)], { blocksize: 2, mode: 'DCR' })).toEqual([[1, 2, 2, 2], [0, 2, 4, 6, 1, 3, 5, 7]]);
    expect(one('DepthToSpace', [fed(x)], { blocksize: 2, mode: 'CRD' })).toEqual([[1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]]);
    const space = iota([1, 1, 2, 4]);
    const [shape, deep] = one('SpaceToDepth', [fed(space)], { blocksize: 2 });
    expect([shape, deep]).toEqual([[1, 4, 1, 2], [0, 2, 1, 3, 4, 6, 5, 7]]);
    expect(one('DepthToSpace', [fed(f64(shape, deep))], { blocksize: 2 })).toEqual([[1, 1, 2, 4], [...Array(8).keys()]]);
  });

  it('Shape reports the [start, end) dims as int64', () => {
    const x = iota([2, 3, 4], 'bool');
    expect(one('Shape', [fed(x)])).toEqual([[3], [2, 3, 4]]);
    expect(one('Shape', [fed(x)], { start: -2, end: 10 })).toEqual([[2], [3, 4]]);
    expect(one('Shape', [fed(x)], {}, { opset: 13 })).toEqual([[3], [2, 3, 4]]);
  });
});
