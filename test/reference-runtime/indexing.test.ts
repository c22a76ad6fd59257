import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { runReference } from '../../src/reference-runtime/executor.js';

/** A node input: a fed tensor or a constant (a weight: shape-deciding inputs must be). */
type In = { fed: Tensor } | { constant: Tensor } | undefined;

const fed = (t: Tensor): In => ({ fed: t });
const constant = (t: Tensor): In => ({ constant: t });
const i64 = (shape: number[], data: number[]) => makeTensor('int64', shape, data);
const f64 = (shape: number[], data: number[]) => makeTensor('float64', shape, data);
const iota = (shape: number[], dtype: DType = 'float64') => makeTensor(dtype, shape, [...Array(shape.reduce((a, b) => a * b, 1)).keys()]);

/** Runs one node on the reference runtime; returns every output as [shape, values]. */
function run(op: string, inputs: In[], attrs: Attrs = {}, opts: { opset?: number; outputs?: number } = {}): [number[], number[]][] {
  const names = inputs.map((x, i) => (x === undefined ? '' : `i${i}`));
  const outputs = Array.from({ length: opts.outputs ?? 1 }, (_, i) => ({ name: `y${i}`, dtype: 'float64' as DType, shape: [] }));
  const model: Model = {
    opset: opts.opset ?? 18,
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

describe('indexing kernels', () => {
  it('TopK takes the k largest or smallest along the axis, ties by the lower index', () => {
    const x = f64([2, 4], [3, 1, 3, 2, 0, 5, 5, 4]);
    expect(run('TopK', [fed(x), constant(i64([1], [2]))], { axis: 1 }, { outputs: 2 })).toEqual([
      [[2, 2], [3, 3, 5, 5]],
      [[2, 2], [0, 2, 1, 2]],
    ]);
    expect(run('TopK', [fed(x), constant(i64([1], [3]))], { axis: -1, largest: 0 }, { outputs: 2 })).toEqual([
      [[2, 3], [1, 2, 3, 0, 4, 5]],
      [[2, 3], [1, 3, 0, 0, 3, 1]],
    ]);
    // TopK-1: k is an attribute, the axis defaults to the last.
    expect(run('TopK', [fed(x)], { k: 1 }, { outputs: 2, opset: 9 })).toEqual([
      [[2, 1], [3, 5]],
      [[2, 1], [0, 1]],
    ]);
  });

  it('NonZero lists the indices of nonzero elements column by column', () => {
    expect(one('NonZero', [constant(makeTensor('bool', [2, 2], [1, 0, 1, 1]))])).toEqual([[2, 3], [0, 1, 1, 0, 0, 1]]);
    expect(one('NonZero', [constant(f64([4], [0, -2.5, 0, 7]))], {}, { opset: 9 })).toEqual([[1, 2], [1, 3]]);
  });

  it('Compress keeps the slices whose condition is true, and drops those past its end', () => {
    const x = iota([3, 2]);
    const cond = (...v: number[]) => constant(makeTensor('bool', [v.length], v));
    expect(one('Compress', [fed(x), cond(0, 1, 1)], { axis: 0 })).toEqual([[2, 2], [2, 3, 4, 5]]);
    expect(one('Compress', [fed(x), cond(0, 1)], { axis: -1 })).toEqual([[3, 1], [1, 3, 5]]);
    expect(one('Compress', [fed(x), cond(1, 0, 0, 1)])).toEqual([[2], [0, 3]]);
  });

  it('GatherND picks slices by index tuples, within batches', () => {
    const data = iota([2, 2, 2]);
    expect(one('GatherND', [fed(data), fed(i64([2, 1, 2], [0, 1, 1, 0]))])).toEqual([[2, 1, 2], [2, 3, 4, 5]]);
    expect(one('GatherND', [fed(data), fed(i64([2, 3], [0, 0, 1, 1, -1, 0]))])).toEqual([[2], [1, 6]]);
    expect(one('GatherND', [fed(data), fed(i64([2, 1], [1, 0]))], { batch_dims: 1 })).toEqual([[2, 2], [2, 3, 4, 5]]);
  });

  it('ScatterElements writes (or reduces) updates along the axis; Scatter-9 is its old name', () => {
    const data = f64([1, 5], [1, 2, 3, 4, 5]);
    const updates = f64([1, 2], [10, 20]);
    expect(one('ScatterElements', [fed(data), fed(i64([1, 2], [1, -2])), fed(updates)], { axis: 1 })).toEqual([[1, 5], [1, 10, 3, 20, 5]]);
    expect(one('ScatterElements', [fed(data), fed(i64([1, 2], [1, 1])), fed(updates)], { axis: 1, reduction: 'add' })).toEqual([[1, 5], [1, 32, 3, 4, 5]]);
    expect(one('ScatterElements', [fed(data), fed(i64([1, 2], [1, 1])), fed(updates)], { axis: 1, reduction: 'mul' })).toEqual([[1, 5], [1, 400, 3, 4, 5]]);
    expect(one('ScatterElements', [fed(data), fed(i64([1, 2], [4, 0])), fed(updates)], { axis: 1, reduction: 'min' })).toEqual([[1, 5], [1, 2, 3, 4, 5]]);
    expect(one('ScatterElements', [fed(data), fed(i64([1, 2], [4, 0])), fed(updates)], { axis: 1, reduction: 'max' })).toEqual([[1, 5], [20, 2, 3, 4, 10]]);
    expect(one('Scatter', [fed(f64([3, 3], new Array<number>(9).fill(0))), fed(i64([2, 3], [1, 0, 2, 0, 2, 1])), fed(iota([2, 3]))], {}, { opset: 10 })).toEqual([
      [3, 3],
      [3, 1, 0, 0, 0, 5, 0, 4, 2],
    ]);
  });

  it('ScatterND replaces (or reduces) the slices its index tuples address', () => {
    const data = iota([2, 3]);
    expect(one('ScatterND', [fed(data), fed(i64([1, 1], [1])), fed(f64([1, 3], [7, 8, 9]))])).toEqual([[2, 3], [0, 1, 2, 7, 8, 9]]);
    expect(one('ScatterND', [fed(data), fed(i64([2, 2], [0, 2, 0, 2])), fed(f64([2], [10, 20]))], { reduction: 'add' })).toEqual([[2, 3], [0, 1, 32, 3, 4, 5]]);
    expect(one('ScatterND', [fed(data), fed(i64([1, 2], [-1, 0])), fed(f64([1], [2]))], { reduction: 'mul' })).toEqual([[2, 3], [0, 1, 2, 6, 4, 5]]);
  });

  it('MaxUnpool puts each element at its index in the inferred shape, padding to a larger output_shape', () => {
    const x = f64([1, 1, 2, 2], [5, 6, 7, 8]);
    const idx = i64([1, 1, 2, 2], [5, 7, 13, 15]);
    const attrs = { kernel_shape: [2, 2], strides: [2, 2] };
    expect(one('MaxUnpool', [fed(x), fed(idx)], attrs)).toEqual([[1, 1, 4, 4], [0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8]]);
    const [shape, values] = one('MaxUnpool', [fed(x), fed(idx), constant(i64([4], [1, 1, 5, 5]))], attrs);
    expect(shape).toEqual([1, 1, 5, 5]);
    expect(values.flatMap((v, i) => (v !== 0 ? [i] : []))).toEqual([6, 8, 16, 18]);
  });

  it('Einsum sums products over its labels: matmul, transpose, reduction, diagonal, implicit output', () => {
    const a = iota([2, 3]);
    const b = iota([3, 2]);
    expect(one('Einsum', [fed(a), fed(b)], { equation: 'ij,jk->ik' })).toEqual([[2, 2], [10, 13, 28, 40]]);
    expect(one('Einsum', [fed(a)], { equation: 'ij->ji' })).toEqual([[3, 2], [0, 3, 1, 4, 2, 5]]);
    expect(one('Einsum', [fed(a)], { equation: 'ij->i' })).toEqual([[2], [3, 12]]);
    expect(one('Einsum', [fed(iota([2, 2, 2]))], { equation: '...ii ->...i' })).toEqual([[2, 2], [0, 3, 4, 7]]);
    // Implicit: the letters that appear once, sorted; 'ba' is a transpose.
    expect(one('Einsum', [fed(a)], { equation: 'ba' })).toEqual([[3, 2], [0, 3, 1, 4, 2, 5]]);
    expect(one('Einsum', [fed(f64([3], [1, 2, 3])), fed(f64([3], [4, 5, 6]))], { equation: 'i,i' })).toEqual([[], [32]]);
  });
});
