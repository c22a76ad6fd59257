import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { inferConcrete, SpecViolation, type ConcreteType } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();
const t = (dtype: DType, ...shape: number[]): ConcreteType => ({ dtype, shape });
const f32 = (...shape: number[]) => t('float32', ...shape);
const axesInput = (...a: number[]) => makeTensor('int64', [a.length], a);

/** Output types of a node; constants[i] is the value of input i when it is a constant. */
function infer(op: string, opset: number, inputs: ConcreteType[], attrs: Attrs = {}, constants: (Tensor | undefined)[] = []) {
  return inferConcrete(registry.get(op, opset), { inputs, attrs, constants, opset }).outputs;
}

describe('reduction specs', () => {
  it('follow the ONNX versions: axes attribute at 13, axes input from 18, bool for Max/Min from 20', () => {
    const since = (op: string, opset: number) => registry.get(op, opset).sinceVersion;
    expect([since('ReduceProd', 17), since('ReduceProd', 18), since('ReduceProd', 21)]).toEqual([13, 18, 18]);
    expect([since('ReduceMax', 17), since('ReduceMax', 19), since('ReduceMax', 20)]).toEqual([13, 18, 20]);
    expect(since('ReduceSum', 18)).toBe(13);
    expect(() => infer('ReduceMax', 18, [t('bool', 2)])).toThrow(/does not accept dtype bool/);
    expect(infer('ReduceMax', 20, [t('bool', 2)])).toEqual([t('bool', 1)]);
  });

  it('read axes from the attribute at opset 13 and from the constant input at opset 18', () => {
    expect(infer('ReduceL2', 17, [f32(2, 3, 4)], { axes: [-1, 0] })).toEqual([f32(1, 3, 1)]);
    expect(() => infer('ReduceL2', 18, [f32(2, 3, 4)], { axes: [0] })).toThrow(/attribute 'axes' is not supported/);
    expect(infer('ReduceL2', 18, [f32(2, 3, 4), t('int64', 2)], { keepdims: 0 }, [undefined, axesInput(-1, 0)])).toEqual([f32(3)]);
    expect(() => infer('ReduceMin', 18, [f32(2, 3), t('int64', 1)], {})).toThrow(/must be a constant/);
  });

  it('reduce every axis by default, none with noop_with_empty_axes, to rank 0 without keepdims', () => {
    expect(infer('ReduceLogSumExp', 17, [f32(2, 3)])).toEqual([f32(1, 1)]);
    expect(infer('ReduceSumSquare', 17, [f32(2, 3)], { keepdims: 0 })).toEqual([f32()]);
    expect(infer('ReduceSumSquare', 18, [f32(2, 3)], { noop_with_empty_axes: 1 })).toEqual([f32(2, 3)]);
    expect(infer('ReduceMax', 18, [f32(2, 3), t('int64', 0)], { noop_with_empty_axes: 1 }, [undefined, axesInput()])).toEqual([f32(2, 3)]);
  });

  it('reject repeated or out-of-range axes', () => {
    expect(() => infer('ReduceMean', 17, [f32(2, 3)], { axes: [1, -1] })).toThrow(/axes are distinct and within the rank/);
    expect(() => infer('ReduceProd', 17, [f32(2, 3)], { axes: [2] })).toThrow(SpecViolation);
  });

  it('declare where values overflow or lose their meaning', () => {
    expect(registry.get('ReduceLogSumExp', 17).domain).toEqual([{ input: 0, min: -80, max: 80 }]);
    expect(registry.get('ReduceProd', 18).domain).toEqual([{ input: 0, min: -1, max: 1 }]);
    expect(registry.get('ReduceLogSum', 17).domain?.[0]?.min).toBeGreaterThan(0);
    expect(registry.get('ReduceMax', 17).domain).toBeUndefined();
  });
});

describe('ArgMax and ArgMin specs', () => {
  it('give int64 indices, with or without the reduced axis', () => {
    expect(infer('ArgMax', 17, [t('int32', 2, 3, 4)], { axis: -2 })).toEqual([t('int64', 2, 1, 4)]);
    expect(infer('ArgMin', 17, [f32(2, 3, 4)], { keepdims: 0 })).toEqual([t('int64', 3, 4)]);
    expect(() => infer('ArgMax', 17, [f32(2, 3)], { axis: 2 })).toThrow(/axis in \[-2, 1\]/);
    expect(() => infer('ArgMax', 17, [t('bool', 2)])).toThrow(SpecViolation);
  });
});

describe('Softmax, LogSoftmax and CumSum specs', () => {
  it('keep the input type', () => {
    expect(infer('LogSoftmax', 17, [t('float64', 2, 5)], { axis: 0 })).toEqual([t('float64', 2, 5)]);
    expect(() => infer('Softmax', 17, [t('int32', 2)])).toThrow(SpecViolation);
  });

  it('bind CumSum axis from a rank-0 int32 or int64 constant', () => {
    const axis = (dtype: DType, a: number) => makeTensor(dtype, [], [a]);
    expect(infer('CumSum', 17, [t('int64', 2, 3), t('int32')], {}, [undefined, axis('int32', -1)])).toEqual([t('int64', 2, 3)]);
    expect(infer('CumSum', 17, [f32(4), t('int64')], { reverse: 1, exclusive: 1 }, [undefined, axis('int64', 0)])).toEqual([f32(4)]);
    expect(() => infer('CumSum', 17, [f32(2, 3), t('int32')], {}, [undefined, axis('int32', 2)])).toThrow(/axis in \[-2, 1\]/);
    expect(() => infer('CumSum', 17, [f32(2, 3), t('int32', 1)], {}, [undefined, makeTensor('int32', [1], [0])])).toThrow(/rank in \[0, 0\]/);
    expect(() => infer('CumSum', 17, [f32(2, 3), t('int32')])).toThrow(/must be a constant/);
  });
});
