import type { AttrBinding } from '../opspec/context.js';
import { v } from '../opspec/expr.js';
import type { AttrSpec } from '../opspec/spec.js';
import type { Rng } from './rng.js';
import { isFloatDType, onnxDataType, type DType } from '../ir/dtype.js';

/** A value as a one-element tensor of the dtype holds it: float32-rounded, truncated, or 0/1 for bool. */
function scalarOf(dtype: DType, value: number): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (!isFloatDType(dtype)) return Math.trunc(value);
  return dtype === 'float32' ? Math.fround(value) : value;
}

/** Solver variables of one insertion attempt, with their inclusive domains. */
export type VarDomains = Map<string, readonly [number, number]>;

/**
 * Draws an attribute: concrete kinds (float, floats, string, choice, perm, axes) get a value now;
 * symbolic kinds (int, ints) get fresh variables registered in `domains` for the solver.
 */
export function drawAttr(decl: AttrSpec, ctx: { rng: Rng; domains: VarDomains; fresh: (prefix: string) => string; dtype?: DType }): AttrBinding {
  const { rng, domains, fresh } = ctx;
  const symbolic = (domain: readonly [number, number]) => {
    const id = fresh('a');
    domains.set(id, domain);
    return v(id);
  };
  const length = (l: number | readonly [number, number]) => (typeof l === 'number' ? l : rng.int(l[0], l[1]));
  switch (decl.kind) {
    case 'int':
      return symbolic(decl.domain);
    case 'ints':
      return Array.from({ length: length(decl.length) }, () => symbolic(decl.domain));
    case 'float':
      return Math.fround(rng.uniform(decl.range[0], decl.range[1]));
    case 'floats':
      return Array.from({ length: length(decl.length) }, () => rng.pick(decl.choices));
    case 'string':
      return rng.pick(decl.choices);
    case 'strings':
      return Array.from({ length: length(decl.length) }, () => rng.pick(decl.choices));
    case 'choice':
      return rng.pick(decl.choices);
    case 'scalar-tensor': {
      const dtype = ctx.dtype !== undefined && decl.dtypes.includes(ctx.dtype) ? ctx.dtype : rng.pick(decl.dtypes);
      return [onnxDataType(dtype), scalarOf(dtype, rng.pick(decl.values))];
    }
    case 'perm':
      return rng.shuffle([...Array(decl.length).keys()]);
    case 'axes': {
      const n = rng.int(decl.count[0], Math.min(decl.count[1], decl.rank));
      return rng
        .shuffle([...Array(decl.rank).keys()])
        .slice(0, n)
        .map((a) => (rng.bool(0.3) && !decl.nonNegative ? a - decl.rank : a));
    }
  }
}
