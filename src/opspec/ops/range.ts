import { c, constValue, floordiv, max, ne, rule, sub, add, FALSE, TRUE, type IntExpr } from '../expr.js';
import { facts } from '../numeric.js';
import type { OpSpec, SpecContext } from '../spec.js';

/**
 * A scalar input's value: a symbolic integer while the generator draws it, or any number (a float
 * Range's 0.5) once it is a constant.
 */
function scalar(ctx: SpecContext, name: string): IntExpr | number {
  try {
    return ctx.int(name);
  } catch {
    return ctx.float(name);
  }
}

/** max(ceil((limit - start) / delta), 0): how many elements Range gives. */
export function rangeLength(start: number, limit: number, delta: number): number {
  return Math.max(Math.ceil((limit - start) / delta), 0);
}

function length(ctx: SpecContext): IntExpr {
  const start = scalar(ctx, 'start');
  const limit = scalar(ctx, 'limit');
  const delta = scalar(ctx, 'delta');
  const known = (x: IntExpr | number) => (typeof x === 'number' ? x : constValue(x));
  const [s, l, d] = [known(start), known(limit), known(delta)];
  if (s !== undefined && l !== undefined && d !== undefined) return c(rangeLength(s, l, d));
  // The generator's delta is a whole number drawn concretely: ceil(a / d) = floor((a + d - 1) / d) for d > 0.
  if (d === undefined || !Number.isInteger(d) || d === 0) throw new Error('Range needs a concrete whole delta while its bounds are symbolic');
  const span = d > 0 ? sub(limit as IntExpr, start as IntExpr) : sub(start as IntExpr, limit as IntExpr);
  const step = Math.abs(d);
  return max(floordiv(add(span, step - 1), step), 0);
}

/**
 * Range-11: start, start + delta, ... up to (not including) limit, from three scalar inputs of T;
 * max(ceil((limit - start) / delta), 0) elements. The generator makes them constants: whole start
 * and limit (solver variables, so that the length can match a consumer) and a nonzero whole delta.
 */
export const range: OpSpec = {
  name: 'Range',
  sinceVersion: 11,
  // ONNX's T: float, double, int16, int32, int64.
  dtypes: ['float32', 'float64', 'int16', 'int32', 'int64'],
  inputs: [
    { name: 'start', rank: () => 0, constantFrom: 'start' },
    { name: 'limit', rank: () => 0, constantFrom: 'limit' },
    { name: 'delta', rank: () => 0, constantFrom: 'delta' },
  ],
  attrs: () => ({
    start: { kind: 'int', domain: [-10, 10] },
    limit: { kind: 'int', domain: [-10, 10] },
    delta: { kind: 'choice', choices: [-3, -2, -1, 1, 2, 3] },
  }),
  requires: (ctx) => {
    const delta = scalar(ctx, 'delta');
    return [rule('delta != 0', typeof delta === 'number' ? (delta !== 0 ? TRUE : FALSE) : ne(delta, 0))];
  },
  outputs: (ctx) => [{ dtype: ctx.dtype, shape: [length(ctx)] }],
  numeric: facts(),
};
