import { describe, expect, it } from 'vitest';
import { elementwiseJump, nearestJump, numericFactsProblem, type NumericFacts } from '../../src/opspec/numeric.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { OpRegistry } from '../../src/opspec/registry.js';
import type { OpSpec } from '../../src/opspec/spec.js';

const registry = builtinRegistry();

describe('numeric facts', () => {
  it.each(registry.all().map((s) => [`${s.name}-${s.sinceVersion}`, s] as const))('%s declares them', (_label, spec) => {
    expect(numericFactsProblem(spec)).toBeUndefined();
    expect(spec.numeric.range).toBeTypeOf('object');
  });

  it('are required at run time too: a spec without them is refused, naming the op', () => {
    // A spec written in plain JavaScript can leave them out; the type system does not see it.
    const { numeric, ...withoutFacts } = registry.get('Relu', 17);
    expect(() => new OpRegistry([{ ...withoutFacts, numeric }])).not.toThrow();
    expect(() => new OpRegistry([withoutFacts as OpSpec])).toThrow(/'Relu-14' declares no numeric facts/);
    const floor = registry.get('Floor', 17);
    const { overflow, ...partial } = floor.numeric;
    expect(overflow).toBe('never');
    const broken = { ...floor, numeric: partial as NumericFacts };
    expect(() => new OpRegistry([broken])).toThrow(/'Floor-13' has numeric facts without a known integer overflow/);
  });

  it('say where elementwise jumps lie, Cast by its target', () => {
    const at = (op: string, to: Parameters<typeof elementwiseJump>[1]) => elementwiseJump(registry.get(op, 17).numeric.discontinuity, to);
    expect(at('Floor', 'float32')).toBe('integer');
    expect(at('Round', 'float32')).toBe('half-integer');
    expect(at('Sign', 'float32')).toBe('zero');
    expect(at('Cast', 'int32')).toBe('integer');
    expect(at('Cast', 'bool')).toBe('zero');
    expect(at('Cast', 'float64')).toBeUndefined();
    expect(at('Less', 'bool')).toBeUndefined();
    expect([nearestJump('integer', 2.7), nearestJump('half-integer', 2.7), nearestJump('zero', 2.7)]).toEqual([3, 2.5, 0]);
  });

  it('give every op that overflows integers a way to, and none to ops that only move values', () => {
    const overflow = (op: string) => registry.get(op, 17).numeric.overflow;
    for (const op of ['Add', 'Sub', 'Mul', 'Pow', 'MatMul', 'Gemm', 'CumSum', 'ReduceSum', 'ReduceProd', 'ReduceSumSquare']) expect(overflow(op), op).toBe('grows');
    for (const op of ['Neg', 'Abs', 'Div']) expect(overflow(op), op).toBe('edge-cases');
    expect(overflow('Cast')).toBe('from-float');
    for (const op of ['Reshape', 'Max', 'Relu', 'Gather', 'ArgMax', 'Where', 'Clip']) expect(overflow(op), op).toBe('never');
  });
});
