import { constValue, FALSE, rule, TRUE } from '../expr.js';
import { facts } from '../numeric.js';
import { bounded } from '../ranges.js';
import type { OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';

/**
 * Hardmax: 1 at the first largest element of each group, 0 elsewhere. Versions 1 and 11 take the
 * input as a 2-D matrix, the dims before 'axis' (default 1) as rows and the rest as one row each;
 * version 11 accepts a negative axis. Version 13 works along 'axis' alone (default -1).
 */
function hardmaxSpec(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  const coerced = sinceVersion < 13;
  const negative = sinceVersion >= 11;
  return {
    name: 'Hardmax',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: FLOATS,
    inputs: [{ name: 'input', rank: [1, 5] }],
    attrs: (ranks) => {
      const r = ranks[0]!;
      const lowest = negative ? -r : 0;
      return { axis: { kind: 'choice', choices: [...Array(r - lowest).keys()].map((i) => i + lowest), default: coerced ? 1 : -1 } };
    },
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const lowest = negative ? -r : 0;
      const axis = constValue(ctx.int('axis'))!;
      return [rule(`axis in [${lowest}, ${r - 1}]`, axis >= lowest && axis < r ? TRUE : FALSE)];
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    // Ones and zeros picked by which element is largest: a near tie flips them.
    numeric: facts({ range: bounded(0, 1, { integral: true }), exactness: { kind: 'steps' }, discontinuity: { kind: 'arg-extreme' } }),
  };
}

export const hardmax1 = hardmaxSpec(1, 11);
export const hardmax11 = hardmaxSpec(11, 13);
export const hardmax = hardmaxSpec(13, undefined);
