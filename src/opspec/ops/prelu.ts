import { eq, FALSE, or, rule, type BoolExpr } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { FLOATS, WIDE_NUMERIC } from './dtypes.js';
import { olderVersions } from './versions.js';
import { facts } from '../numeric.js';

/**
 * PRelu (7 to 21): X where X >= 0, slope * X elsewhere. The slope broadcasts unidirectionally to X: its
 * rank is at most X's and each of its dims (aligned right) is 1 or X's dim, so the output is X's shape.
 */
export const prelu: OpSpec = {
  name: 'PRelu',
  sinceVersion: 16,
  dtypes: WIDE_NUMERIC,
  inputs: [
    { name: 'X', rank: [0, 5] },
    { name: 'slope', rank: [0, 5] },
  ],
  requires: (ctx) => {
    const x = ctx.inputs[0]!.shape;
    const slope = ctx.inputs[1]!.shape;
    if (slope.length > x.length) return [rule(`slope rank <= X rank (${x.length})`, FALSE)];
    const offset = x.length - slope.length;
    const req: BoolExpr[] = [];
    slope.forEach((d, i) => {
      req.push(rule(`slope dim ${i} is 1 or X's dim ${i + offset}`, or(eq(d, 1), eq(d, x[i + offset]!))));
    });
    return req;
  },
  outputs: (ctx) => [{ dtype: ctx.dtype, shape: ctx.inputs[0]!.shape }],
  // slope * x: INT_MIN * -1, or any large product.
  numeric: facts({ overflow: 'grows' }),
};

/** PRelu-7 takes floats only (nothing overflows); 9 adds integers, 16 bfloat16. */
export const OLDER_PRELU_SPECS: readonly OpSpec[] = olderVersions(prelu, [[7, { dtypes: FLOATS, numeric: facts() }], 9]);
