import { rulesInForce } from '../../src/opspec/spec.js';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs } from '../../src/ir/model.js';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();
const t = (dtype: DType, ...shape: number[]) => ({ dtype, shape });

/** The output types of a node, as the spec in force at the opset infers them. */
function infer(op: string, inputs: { dtype: DType; shape: number[] }[], attrs: Attrs = {}, opset = 17) {
  return inferConcrete(registry.get(op, opset), { inputs, attrs, constants: [], opset }).outputs;
}

describe('broadcasting binary, variadic, comparison and logical specs', () => {
  it('gives Pow the base dtype whatever the exponent type, and refuses a bool exponent', () => {
    expect(infer('Pow', [t('float32', 2, 3), t('int64', 3)])).toEqual([t('float32', 2, 3)]);
    expect(infer('Pow', [t('int32', 4), t('float64')])).toEqual([t('int32', 4)]);
    expect(() => infer('Pow', [t('float32', 2), t('bool', 2)])).toThrow(/input 1 \('Y'\) must be/);
    expect(() => infer('Pow', [t('bool', 2), t('float32', 2)])).toThrow(/does not accept dtype bool/);
    expect(() => infer('Pow', [t('float32', 2), t('float32', 3)])).toThrow(SpecViolation);
  });

  it('requires fmod 1 for a float Mod and accepts both modes for integers', () => {
    expect(() => infer('Mod', [t('float32', 3), t('float32', 3)])).toThrow(/fmod is 1 for floating-point inputs/);
    expect(() => infer('Mod', [t('float64', 3), t('float64', 3)], { fmod: 0 })).toThrow(/fmod is 1/);
    expect(infer('Mod', [t('float32', 3), t('float32', 1)], { fmod: 1 })).toEqual([t('float32', 3)]);
    expect(infer('Mod', [t('int32', 2, 1), t('int32', 4)])).toEqual([t('int32', 2, 4)]);
    expect(infer('Mod', [t('int64', 2), t('int64', 2)], { fmod: 1 })).toEqual([t('int64', 2)]);
  });

  it('gives comparisons a bool output; only Equal compares bools', () => {
    expect(infer('Less', [t('float32', 3, 1), t('float32', 4)])).toEqual([t('bool', 3, 4)]);
    expect(infer('GreaterOrEqual', [t('int64'), t('int64', 2)])).toEqual([t('bool', 2)]);
    expect(infer('Equal', [t('bool', 2), t('bool', 2)])).toEqual([t('bool', 2)]);
    expect(() => infer('Greater', [t('bool', 2), t('bool', 2)])).toThrow(/does not accept dtype bool/);
    expect(() => infer('LessOrEqual', [t('float32', 2), t('int32', 2)])).toThrow(/must be float32, got int32/);
  });

  it('has an Equal for opsets before and from 19 (which only adds strings)', () => {
    expect(registry.get('Equal', 18).sinceVersion).toBe(13);
    expect(registry.get('Equal', 19).sinceVersion).toBe(19);
    expect(infer('Equal', [t('int32', 2), t('int32', 1)], {}, 19)).toEqual([t('bool', 2)]);
  });

  it('takes only bools in And, Or and Xor', () => {
    expect(infer('Xor', [t('bool', 1, 4, 1), t('bool', 3, 1, 5)])).toEqual([t('bool', 3, 4, 5)]);
    expect(() => infer('And', [t('int32', 2), t('int32', 2)])).toThrow(/does not accept dtype int32/);
  });

  it('broadcasts every input of Max, Min, Sum and Mean together', () => {
    expect(infer('Max', [t('int32', 2, 1), t('int32', 3), t('int32')])).toEqual([t('int32', 2, 3)]);
    expect(infer('Sum', [t('float32', 4)])).toEqual([t('float32', 4)]);
    expect(infer('Mean', [t('float64', 1, 2), t('float64', 3, 1), t('float64', 2), t('float64', 1)])).toEqual([t('float64', 3, 2)]);
    expect(() => infer('Min', [t('float32', 2), t('float32', 3), t('float32', 2)])).toThrow(/dims -1 broadcast/);
    expect(() => infer('Sum', [t('int32', 2)])).toThrow(/does not accept dtype int32/);
    expect(() => infer('Max', [])).toThrow(SpecViolation);
  });

  it('broadcasts PRelu slopes to X in one direction only', () => {
    expect(infer('PRelu', [t('float32', 2, 3, 4, 5), t('float32', 3, 1, 1)])).toEqual([t('float32', 2, 3, 4, 5)]);
    expect(infer('PRelu', [t('int64', 2, 3), t('int64')])).toEqual([t('int64', 2, 3)]);
    // A slope dim may not grow a dim of X, even one of size 1.
    expect(() => infer('PRelu', [t('float32', 2, 1), t('float32', 3)])).toThrow(/slope dim 0 is 1 or X's dim 1/);
    expect(() => infer('PRelu', [t('float32', 3), t('float32', 1, 3)])).toThrow(/slope rank <= X rank/);
  });

  it('types Where by X and Y, with a bool condition, all three broadcast together', () => {
    expect(infer('Where', [t('bool', 2, 1, 1), t('int64', 3, 1), t('int64', 4)])).toEqual([t('int64', 2, 3, 4)]);
    expect(infer('Where', [t('bool', 2), t('bool', 2), t('bool', 1)])).toEqual([t('bool', 2)]);
    expect(() => infer('Where', [t('float32', 2), t('float32', 2), t('float32', 2)])).toThrow(/input 0 \('condition'\) must be bool/);
    expect(() => infer('Where', [t('bool', 2), t('float32', 2), t('float64', 2)])).toThrow(/must be float32, got float64/);
  });

  it('keeps divisors away from zero and Pow bases positive, unless the exponent holds whole numbers', () => {
    expect(registry.get('Div', 17).domain).toEqual([{ input: 1, minAbs: 1e-3 }]);
    expect(registry.get('Mod', 17).domain).toEqual([{ input: 1, minAbs: 1e-3 }]);
    expect(registry.get('Pow', 17).domain).toEqual([{ input: 0, min: 1e-3, unlessWholeNumbers: 1 }]);
    const pow = registry.get('Pow', 17).domain;
    // A negative base to the power 2 (a decomposed LayerNorm's square) is exact; to 0.5 it is NaN.
    expect(rulesInForce(pow, [{ data: [-3, 2] }, { data: [2] }])).toEqual([]);
    expect(rulesInForce(pow, [{ data: [-3, 2] }, { data: [0.5] }])).toEqual(pow);
    expect(rulesInForce(pow, [{ data: [-3, 2] }, { data: [-1] }])).toEqual(pow);
  });
});
