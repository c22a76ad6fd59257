import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, and, c, constValue, eq, evalBool, evalInt, floordiv, le, max, min, mod, mul, or, showBool, sub, v } from '../../src/opspec/expr.js';

describe('the symbolic integer language', () => {
  it('folds constants eagerly', () => {
    expect(constValue(add(mul(c(3), 4), sub(10, 2)))).toBe(20);
    expect(eq(c(2), 2)).toEqual({ k: 'bconst', v: true });
    expect(and(eq(1, 1), le(v('x'), 3))).toEqual(le(v('x'), 3));
    expect(or(eq(1, 2), eq(2, 2))).toEqual({ k: 'bconst', v: true });
  });

  it('floordiv and mod follow floor semantics, and fold the same way they evaluate', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 50 }), (a, b) => {
        const q = constValue(floordiv(a, b))!;
        const r = constValue(mod(a, b))!;
        expect(q * b + r).toBe(a);
        expect(r >= 0 && r < b).toBe(true);
        const env = (n: string) => ({ a, b })[n];
        expect(evalInt(floordiv(v('a'), v('b')), env)).toBe(q);
        expect(evalInt(mod(v('a'), v('b')), env)).toBe(r);
      }),
    );
  });

  it('evaluates symbolic expressions with an environment, and reports unknowns', () => {
    const e = max(min(add(v('x'), 1), 10), mul(v('y'), 2));
    expect(evalInt(e, (n) => ({ x: 20, y: 3 })[n])).toBe(10);
    expect(evalInt(e, (n) => ({ x: 20 })[n as 'x'])).toBeUndefined();
    expect(evalBool(and(le(v('x'), 5), eq(v('y'), 3)), (n) => ({ x: 9 })[n as 'x'])).toBe(false);
  });

  it('prints expressions readably', () => {
    expect(showBool(eq(add(v('a'), 1), mul(v('b'), 2)))).toBe('(a + 1) == (b * 2)');
  });
});
