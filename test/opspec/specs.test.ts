import { describe, expect, it } from 'vitest';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { OpRegistry } from '../../src/opspec/registry.js';
import { makeTensor } from '../../src/ir/tensor.js';
import type { Attrs } from '../../src/ir/model.js';

const registry = builtinRegistry();
const f32 = (...shape: number[]) => ({ dtype: 'float32' as const, shape });

function infer(op: string, inputs: { dtype: 'float32' | 'int64'; shape: number[] }[], attrs: Attrs = {}, constants: (number[] | undefined)[] = []) {
  return inferConcrete(registry.get(op, 17), {
    inputs,
    attrs,
    constants: constants.map((c) => (c ? makeTensor('int64', [c.length], c) : undefined)),
    opset: 17,
  }).outputs.map((o) => o.shape);
}

describe('op specs on concrete shapes', () => {
  it('broadcasts binary ops numpy-style and rejects incompatible dims', () => {
    expect(infer('Add', [f32(2, 1, 4), f32(3, 1)])).toEqual([[2, 3, 4]]);
    expect(infer('Mul', [f32(), f32(5)])).toEqual([[5]]);
    expect(() => infer('Sub', [f32(2, 3), f32(4)])).toThrow(SpecViolation);
  });

  it('gives MatMul numpy shapes, including 1-D operands and batch broadcasting', () => {
    expect(infer('MatMul', [f32(2, 3), f32(3, 4)])).toEqual([[2, 4]]);
    expect(infer('MatMul', [f32(3), f32(3, 4)])).toEqual([[4]]);
    expect(infer('MatMul', [f32(2, 3), f32(3)])).toEqual([[2]]);
    expect(infer('MatMul', [f32(5, 1, 2, 3), f32(4, 3, 6)])).toEqual([[5, 4, 2, 6]]);
  });

  it('computes Conv output dims from pads, strides, dilations and groups', () => {
    expect(infer('Conv', [f32(1, 4, 7, 9), f32(6, 2, 3, 3)], { group: 2, strides: [2, 1], pads: [1, 0, 1, 0], dilations: [1, 2] })).toEqual([
      [1, 6, 4, 5],
    ]);
    expect(infer('Conv', [f32(1, 1, 5, 5), f32(1, 1, 3, 3)], { auto_pad: 'SAME_UPPER', strides: [2, 2] })).toEqual([[1, 1, 3, 3]]);
    expect(() => infer('Conv', [f32(1, 3, 5, 5), f32(2, 2, 3, 3)])).toThrow(/X channels == W.shape\[1\] \* group/);
  });

  it('resolves Reshape targets with 0 and -1, and rejects a wrong element count', () => {
    expect(infer('Reshape', [f32(2, 3, 4), { dtype: 'int64', shape: [2] }], {}, [undefined, [0, -1]])).toEqual([[2, 12]]);
    expect(() => infer('Reshape', [f32(2, 3), { dtype: 'int64', shape: [1] }], {}, [undefined, [5]])).toThrow(SpecViolation);
    expect(() => infer('Reshape', [f32(2, 3), { dtype: 'int64', shape: [1] }])).toThrow(/must be a constant/);
  });

  it('handles Transpose, Concat, reductions and Softmax', () => {
    expect(infer('Transpose', [f32(2, 3, 4)])).toEqual([[4, 3, 2]]);
    expect(infer('Transpose', [f32(2, 3, 4)], { perm: [1, 2, 0] })).toEqual([[3, 4, 2]]);
    expect(infer('Concat', [f32(2, 3), f32(2, 5)], { axis: -1 })).toEqual([[2, 8]]);
    expect(() => infer('Concat', [f32(2, 3), f32(3, 5)], { axis: 1 })).toThrow(/inputs agree on dim 0/);
    expect(infer('ReduceMean', [f32(2, 3, 4)], { axes: [0, -1], keepdims: 0 })).toEqual([[3]]);
    expect(infer('ReduceSum', [f32(2, 3, 4), { dtype: 'int64', shape: [1] }], {}, [undefined, [1]])).toEqual([[2, 1, 4]]);
    expect(infer('ReduceSum', [f32(2, 3)])).toEqual([[1, 1]]);
    expect(infer('Softmax', [f32(2, 3)], { axis: 0 })).toEqual([[2, 3]]);
  });

  it('rejects unknown attributes and dtypes the op does not accept', () => {
    expect(() => infer('Relu', [f32(2)], { alpha: 1 })).toThrow(/attribute 'alpha' is not supported/);
    expect(() => inferConcrete(registry.get('Sigmoid', 17), { inputs: [{ dtype: 'int32', shape: [2] }], attrs: {}, constants: [], opset: 17 })).toThrow(
      /does not accept dtype int32/,
    );
  });

  it('the registry throws on a duplicate name', () => {
    const spec = registry.get('Relu', 17);
    expect(() => new OpRegistry([spec, spec])).toThrow(/registered twice/);
  });
});
