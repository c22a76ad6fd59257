import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

function infer(op: string, inputs: ({ dtype: DType; shape: number[] } | undefined)[], attrs: Attrs = {}, opset = 17) {
  return inferConcrete(registry.get(op, opset), { inputs, attrs, constants: [], opset }).outputs;
}

const t = (dtype: DType, ...shape: number[]) => ({ dtype, shape });

describe('unary op specs', () => {
  it('keep the shape and dtype, from scalars up', () => {
    expect(infer('Sqrt', [t('float64')])).toEqual([t('float64')]);
    expect(infer('Sign', [t('int64', 2, 3)])).toEqual([t('int64', 2, 3)]);
    expect(infer('Identity', [t('bool', 4)])).toEqual([t('bool', 4)]);
  });

  it('accept exactly the dtypes ONNX allows among ours', () => {
    expect(() => infer('Erf', [t('int32', 2)])).toThrow(/does not accept dtype int32/);
    expect(() => infer('Celu', [t('float64', 2)])).toThrow(/does not accept dtype float64/);
    expect(() => infer('Not', [t('float32', 2)])).toThrow(SpecViolation);
    expect(() => infer('Sigmoid', [t('int64', 2)])).toThrow(SpecViolation);
    expect(infer('Neg', [t('int32', 2)])).toEqual([t('int32', 2)]);
    expect(infer('Clip', [t('int64', 2)])).toEqual([t('int64', 2)]);
  });

  it('give IsNaN and IsInf a bool output', () => {
    expect(infer('IsNaN', [t('float32', 3)])).toEqual([t('bool', 3)]);
    expect(infer('IsInf', [t('float64', 3)], { detect_negative: 0 })).toEqual([t('bool', 3)]);
  });

  it('check attributes', () => {
    expect(infer('LeakyRelu', [t('float32', 2)], { alpha: 0.2 })).toEqual([t('float32', 2)]);
    expect(() => infer('Elu', [t('float32', 2)], { gamma: 1 })).toThrow(/attribute 'gamma' is not supported/);
    expect(() => infer('Gelu', [t('float32', 2)], { approximate: 'fast' }, 20)).toThrow(/approximate/);
  });

  it('restrict inputs where the function leaves the reals or is ill-conditioned', () => {
    const untrusted = (op: string, x: number) => {
      const model: Model = {
        opset: 17,
        inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
        weights: [],
        nodes: [{ name: 'n', op, inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }], attrs: {} }],
        outputs: ['y'],
      };
      const values = new Map([['x', makeTensor('float32', [1], [x])]]);
      return firstUntrustedValue(model, runReference(model, values), registry)?.reason;
    };
    expect(untrusted('Log', 0.5)).toBeUndefined();
    expect(untrusted('Log', 1e-4)).toBe('outside-domain');
    expect(untrusted('Acosh', 1.0005)).toBe('outside-domain');
    expect(untrusted('Acos', -0.9995)).toBe('outside-domain');
    expect(untrusted('Acos', 0.99)).toBeUndefined();
    expect(untrusted('Reciprocal', -1e-4)).toBe('outside-domain');
    expect(untrusted('Sin', 500)).toBe('outside-domain');
    expect(untrusted('Atan', 500)).toBeUndefined();
  });
});

describe('Clip spec', () => {
  it('takes optional scalar bounds of the input dtype', () => {
    expect(infer('Clip', [t('float32', 2, 3), undefined, t('float32')])).toEqual([t('float32', 2, 3)]);
    expect(() => infer('Clip', [t('float32', 2), t('float32', 1)])).toThrow(/rank in \[0, 0\]/);
    expect(() => infer('Clip', [t('float32', 2), t('float64')])).toThrow(/must be float32/);
  });
});

describe('Cast spec', () => {
  it("takes its output dtype from 'to'", () => {
    expect(infer('Cast', [t('float32', 2)], { to: 7 })).toEqual([t('int64', 2)]);
    expect(infer('Cast', [t('bool', 2)], { to: 11 })).toEqual([t('float64', 2)]);
    expect(infer('Cast', [t('int64')], { to: 9 })).toEqual([t('bool')]);
  });

  it("rejects a 'to' tensorsmith has no dtype for, and a missing one", () => {
    // 16 is bfloat16, which tensorsmith does not have.
    expect(() => infer('Cast', [t('float32', 2)], { to: 16 })).toThrow(/'to' is one of/);
    expect(() => infer('Cast', [t('float32', 2)])).toThrow(/'to' is required/);
  });

  it('has the opset 19 form with saturate', () => {
    expect(() => infer('Cast', [t('float32', 2)], { to: 1, saturate: 1 }, 17)).toThrow(/saturate/);
    expect(infer('Cast', [t('float32', 2)], { to: 1, saturate: 1 }, 19)).toEqual([t('float32', 2)]);
  });
});

describe('versions', () => {
  it('pick the version in force at the opset', () => {
    const since = (op: string, opset: number) => registry.find(op, opset)?.sinceVersion;
    expect([since('Cast', 13), since('Cast', 18), since('Cast', 19), since('Cast', 20), since('Cast', 21)]).toEqual([13, 13, 19, 19, 21]);
    expect([since('Identity', 16), since('Identity', 19), since('Identity', 22)]).toEqual([16, 19, 21]);
    expect([since('IsNaN', 19), since('IsNaN', 20)]).toEqual([13, 20]);
    expect([since('IsInf', 10), since('IsInf', 20)]).toEqual([10, 20]);
    expect([since('Softplus', 1), since('Acos', 7), since('Atanh', 9)]).toEqual([1, 7, 9]);
  });

  it('have Gelu only from opset 20', () => {
    expect(registry.find('Gelu', 19)).toBeUndefined();
    expect(registry.find('Gelu', 20)?.sinceVersion).toBe(20);
  });
});
