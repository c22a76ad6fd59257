import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { c, evalInt, v } from '../../src/opspec/expr.js';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { slicedLength } from '../../src/opspec/ops/slice.js';

const registry = builtinRegistry();

/** A node input: a runtime value of a type, or a constant (int64 unless said) whose values are given. */
type In = { dtype: DType; shape: number[] } | { values: number[]; dtype?: DType; scalar?: boolean } | undefined;

const f32 = (...shape: number[]): In => ({ dtype: 'float32', shape });
const k = (...values: number[]): In => ({ values });

function infer(op: string, inputs: In[], attrs: Attrs = {}, opts: { opset?: number; outputs?: number } = {}): number[][] {
  const opset = opts.opset ?? 17;
  return inferConcrete(registry.get(op, opset), {
    inputs: inputs.map((x) => {
      if (x === undefined || !('values' in x)) return x;
      return { dtype: x.dtype ?? 'int64', shape: x.scalar ? [] : [x.values.length] };
    }),
    constants: inputs.map((x) => (x && 'values' in x ? makeTensor(x.dtype ?? 'int64', x.scalar ? [] : [x.values.length], x.values) : undefined)),
    attrs,
    outputCount: opts.outputs ?? 1,
    opset,
  }).outputs.map((o) => [...o.shape]);
}

/** Python's len(range(...)) over a dim after ONNX's clamping: the slice length, counted element by element. */
function pythonSliceLength(dim: number, start: number, end: number, step: number): number {
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  let n = 0;
  for (let i = s; step > 0 ? i < e : i > e; i += step) n++;
  return n;
}

describe('shape and data movement specs', () => {
  it('Flatten splits the dims at the axis, which may equal the rank', () => {
    expect(infer('Flatten', [f32(2, 3, 4, 5)])).toEqual([[2, 60]]);
    expect(infer('Flatten', [f32(2, 3, 4, 5)], { axis: 0 })).toEqual([[1, 120]]);
    expect(infer('Flatten', [f32(2, 3, 4, 5)], { axis: 4 })).toEqual([[120, 1]]);
    expect(infer('Flatten', [f32(2, 3, 4, 5)], { axis: -3 })).toEqual([[2, 60]]);
    expect(() => infer('Flatten', [f32(2, 3)], { axis: 3 })).toThrow(/axis in \[-2, 2\]/);
  });

  it('Squeeze removes the listed 1-dims, or all of them without axes', () => {
    expect(infer('Squeeze', [f32(1, 3, 1, 5), k(-2)])).toEqual([[1, 3, 5]]);
    expect(infer('Squeeze', [f32(1, 3, 1, 5)])).toEqual([[3, 5]]);
    expect(() => infer('Squeeze', [f32(1, 3), k(1)])).toThrow(/squeezed dim 1 is 1/);
    expect(() => infer('Squeeze', [f32(1, 1), k(0, -2)])).toThrow(/distinct/);
  });

  it('Unsqueeze axes index the output, in any order', () => {
    expect(infer('Unsqueeze', [f32(3, 4, 5), k(5, 0, 2)])).toEqual([[1, 3, 1, 4, 5, 1]]);
    expect(infer('Unsqueeze', [f32(3), k(-1)])).toEqual([[3, 1]]);
    expect(infer('Unsqueeze', [f32(), k(0)])).toEqual([[1]]);
    expect(() => infer('Unsqueeze', [f32(3), k(2)])).toThrow(/in \[-2, 1\]/);
  });

  it('Split-13 takes sizes or equal parts that divide the dim', () => {
    expect(infer('Split', [f32(2, 6), k(1, 5)], { axis: 1 }, { outputs: 2 })).toEqual([[2, 1], [2, 5]]);
    expect(infer('Split', [f32(6)], {}, { outputs: 3 })).toEqual([[2], [2], [2]]);
    expect(() => infer('Split', [f32(7)], {}, { outputs: 3 })).toThrow(/equal parts/);
    expect(() => infer('Split', [f32(6), k(1, 5)], {}, { outputs: 3 })).toThrow(/one size per output/);
    expect(() => infer('Split', [f32(6), k(1, 4)], {}, { outputs: 2 })).toThrow(/add up/);
  });

  it('Split-18 gives the remainder to the last part and wants exactly one of split and num_outputs', () => {
    expect(infer('Split', [f32(7, 2)], { num_outputs: 3 }, { opset: 18, outputs: 3 })).toEqual([[3, 2], [3, 2], [1, 2]]);
    expect(infer('Split', [f32(2, 4)], { axis: -1, num_outputs: 2 }, { opset: 18, outputs: 2 })).toEqual([[2, 2], [2, 2]]);
    expect(infer('Split', [f32(6), k(2, 4)], {}, { opset: 18, outputs: 2 })).toEqual([[2], [4]]);
    expect(() => infer('Split', [f32(6)], {}, { opset: 18, outputs: 2 })).toThrow(/exactly one/);
    expect(() => infer('Split', [f32(6), k(2, 4)], { num_outputs: 2 }, { opset: 18, outputs: 2 })).toThrow(/exactly one/);
    expect(() => infer('Split', [f32(6)], { num_outputs: 3 }, { opset: 18, outputs: 2 })).toThrow(/num_outputs equals/);
    // ceil(5 / 4) = 2, so the last of four parts would need 5 - 6 = -1 elements.
    expect(() => infer('Split', [f32(5)], { num_outputs: 4 }, { opset: 18, outputs: 4 })).toThrow(/negative size/);
  });

  it('Slice normalizes negative indices, clamps them by the sign of the step, and defaults axes and steps', () => {
    const x = f32(20, 10, 5);
    expect(infer('Slice', [x, k(0, 0), k(3, 10), k(0, 1), k(1, 1)])).toEqual([[3, 10, 5]]);
    expect(infer('Slice', [x, k(20, 10, 4), k(0, 0, 1), k(0, 1, 2), k(-1, -3, -2)])).toEqual([[19, 3, 2]]);
    expect(infer('Slice', [x, k(1), k(1000), k(1), k(1)])).toEqual([[20, 9, 5]]);
    expect(infer('Slice', [x, k(0), k(-1)])).toEqual([[19, 10, 5]]);
    expect(infer('Slice', [x, k(1000), k(1000), k(1)])).toEqual([[20, 0, 5]]);
    expect(infer('Slice', [x, k(-(2 ** 62)), k(2 ** 62), k(-1)])).toEqual([[20, 10, 5]]);
    expect(() => infer('Slice', [x, k(0), k(1), k(0), k(0)])).toThrow(/steps are not 0/);
    expect(() => infer('Slice', [x, k(0, 0), k(1)])).toThrow(/one length/);
    expect(() => infer('Slice', [x, k(0), k(1), k(3)])).toThrow(/axes are distinct/);
  });

  it("Slice's symbolic length agrees with counting the elements, for every sign of start, end and step", () => {
    const expr = slicedLength(v('d'), v('s'), v('e'), v('t'));
    for (let d = 1; d <= 6; d++) {
      for (let s = -8; s <= 8; s++) {
        for (let e = -8; e <= 8; e++) {
          for (const t of [-3, -2, -1, 1, 2, 3]) {
            const env = (n: string) => ({ d, s, e, t })[n];
            expect(evalInt(expr, env), `d=${d} s=${s} e=${e} t=${t}`).toBe(pythonSliceLength(d, s, e, t));
            expect(slicedLength(c(d), c(s), c(e), c(t))).toEqual(c(pythonSliceLength(d, s, e, t)));
          }
        }
      }
    }
  });

  it('Expand broadcasts in both directions', () => {
    expect(infer('Expand', [f32(3, 1), k(2, 1, 6)])).toEqual([[2, 3, 6]]);
    expect(infer('Expand', [f32(3, 1), k(3, 4)])).toEqual([[3, 4]]);
    expect(infer('Expand', [f32(3, 4), k(1)])).toEqual([[3, 4]]);
    expect(() => infer('Expand', [f32(3, 4), k(2, 4)])).toThrow(/broadcast/);
  });

  it('Tile multiplies each dim by its repeat count', () => {
    expect(infer('Tile', [f32(2, 3), k(3, 1)])).toEqual([[6, 3]]);
    expect(() => infer('Tile', [f32(2, 3), k(2)])).toThrow(/one entry per input dim/);
  });

  it('Pad adds begin and end pads, over all axes or the listed ones (18+)', () => {
    expect(infer('Pad', [f32(1, 3, 4, 5), k(0, 0, 1, 3, 0, 0, 2, 4)])).toEqual([[1, 3, 7, 12]]);
    expect(infer('Pad', [f32(4, 5), k(-1, 0, -2, 1)])).toEqual([[1, 6]]);
    expect(infer('Pad', [f32(2, 3, 4), k(1, 0, 3, 4), undefined, k(-1, 0)], {}, { opset: 18 })).toEqual([[6, 3, 8]]);
    expect(infer('Pad', [f32(2, 3), k(1, 1, 1, 1), { dtype: 'float32', shape: [] }], { mode: 'constant' })).toEqual([[4, 5]]);
    expect(() => infer('Pad', [f32(2, 3), k(1, 1)])).toThrow(/2 entries per padded axis/);
    expect(infer('Pad', [f32(2, 3), k(0, 2, 0, 0)], { mode: 'reflect' })).toEqual([[2, 5]]);
    expect(() => infer('Pad', [f32(2, 3), k(0, 3, 0, 0)], { mode: 'reflect' })).toThrow(/reflect pads of dim 1 are smaller/);
    expect(() => infer('Pad', [f32(2, 3), k(0, 0, 0, 0)], { mode: 'wrap' })).toThrow(/must be one of constant, reflect, edge/);
    expect(infer('Pad', [f32(2, 3), k(2, 3, 0, 0)], { mode: 'wrap' }, { opset: 19 })).toEqual([[4, 6]]);
    expect(() => infer('Pad', [f32(2, 3), k(3, 0, 0, 0)], { mode: 'wrap' }, { opset: 19 })).toThrow(/wrap pads of dim 0/);
    // After cropping one element of dim 1, only 2 are left to reflect.
    expect(() => infer('Pad', [f32(2, 3), k(0, -1, 0, 2)], { mode: 'reflect' })).toThrow(/reflect pads of dim 1/);
  });

  it('Gather puts the indices shape in place of the axis; GatherElements keeps the indices shape', () => {
    const i64 = (...shape: number[]): In => ({ dtype: 'int64', shape });
    expect(infer('Gather', [f32(5, 4, 3), i64(2, 7)], { axis: 1 })).toEqual([[5, 2, 7, 3]]);
    expect(infer('Gather', [f32(5, 4), { dtype: 'int32', shape: [] }], { axis: -1 })).toEqual([[5]]);
    expect(infer('GatherElements', [f32(3, 3), i64(5, 3)])).toEqual([[5, 3]]);
    expect(() => infer('GatherElements', [f32(3, 3), i64(2, 4)])).toThrow(/indices dim 1 <= data dim 1/);
    expect(() => infer('GatherElements', [f32(3, 3), i64(3)])).toThrow(/rank/);
    expect(() => infer('Gather', [f32(3), { dtype: 'float32', shape: [2] }])).toThrow(/int32 or int64/);
  });

  it('Trilu keeps its shape and takes k as a scalar constant', () => {
    expect(infer('Trilu', [f32(2, 4, 5), { values: [-1], scalar: true }], { upper: 0 })).toEqual([[2, 4, 5]]);
    expect(() => infer('Trilu', [f32(5)])).toThrow(/rank in \[2, 8\]/);
  });

  it('DepthToSpace and SpaceToDepth move blocks between channels and space', () => {
    expect(infer('DepthToSpace', [f32(1, 8, 2, 3)], { blocksize: 2, mode: 'CRD' })).toEqual([[1, 2, 4, 6]]);
    expect(infer('SpaceToDepth', [f32(2, 3, 6, 4)], { blocksize: 2 })).toEqual([[2, 12, 3, 2]]);
    expect(() => infer('DepthToSpace', [f32(1, 6, 2, 3)], { blocksize: 2 })).toThrow(/multiple of blocksize\^2/);
    expect(() => infer('SpaceToDepth', [f32(1, 1, 4, 6)], { blocksize: 4 })).toThrow(/width is a multiple/);
    expect(() => infer('SpaceToDepth', [f32(1, 1, 4, 6)], { blocksize: 0 })).toThrow(/blocksize >= 1/);
  });

  it('Shape-15 clamps start and end to [0, r]; Shape-13 has neither', () => {
    const x = f32(3, 4, 5);
    expect(infer('Shape', [x])).toEqual([[3]]);
    expect(infer('Shape', [x], { start: -10 })).toEqual([[3]]);
    expect(infer('Shape', [x], { start: 1, end: -1 })).toEqual([[1]]);
    expect(infer('Shape', [x], { start: 2, end: 1 })).toEqual([[0]]);
    expect(infer('Shape', [x], {}, { opset: 13 })).toEqual([[3]]);
    expect(() => infer('Shape', [x], { start: 1 }, { opset: 13 })).toThrow(SpecViolation);
  });

  it('Reshape-5 serves opsets 5 to 13, without allowzero', () => {
    expect(infer('Reshape', [f32(2, 3, 4), k(0, -1)], {}, { opset: 13 })).toEqual([[2, 12]]);
    expect(() => infer('Reshape', [f32(2, 3), k(6)], { allowzero: 0 }, { opset: 13 })).toThrow(/'allowzero' is not supported/);
    expect(infer('Reshape', [f32(0, 3), k(3, 0)], { allowzero: 1 })).toEqual([[3, 0]]);
  });

  it('Concat rejects inputs of another rank instead of failing', () => {
    expect(() => infer('Concat', [f32(2, 3), f32(2)], { axis: 0 })).toThrow(/input 1 has rank 2/);
  });
});
