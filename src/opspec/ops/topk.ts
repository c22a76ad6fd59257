import { constValue, FALSE, ge, le, rule, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import { ANY } from '../interval.js';
import { facts } from '../numeric.js';
import type { AttrSpec, InputSlot, OpSpec, SpecContext } from '../spec.js';
import { FLOATS, NUMERIC } from './dtypes.js';

/** The largest k the generator draws (the axis is at most DIM_DOMAIN's 12 long). */
const MAX_K = 12;

function sortAxis(ctx: SpecContext): number | undefined {
  const r = ctx.inputs[0]!.shape.length;
  const axis = constValue(ctx.int('axis'))!;
  return axis >= -r && axis < r ? (axis < 0 ? axis + r : axis) : undefined;
}

/** k: an attribute in TopK-1, the single element of the input K from TopK-10 on. */
function kOf(ctx: SpecContext, version: number): IntExpr {
  return version === 1 ? ctx.int('k') : ctx.ints('k')[0]!;
}

/**
 * TopK: the k largest (or smallest, from version 11) elements along an axis, sorted, and their
 * int64 indices; equal elements keep their order (the lower index first).
 * - TopK-1 (opsets 1-9): k is an attribute; floats only.
 * - TopK-10: k is the input K, a 1-D int64 tensor of one element (a generator-chosen constant).
 * - TopK-11: `largest`, `sorted`; numeric types. sorted=0 leaves the order undefined, so only
 *   sorted=1 is accepted.
 */
function topK(version: 1 | 10 | 11): OpSpec {
  const kInput: InputSlot[] = version === 1 ? [] : [{ name: 'K', dtype: 'int64', rank: () => 1, constantFrom: 'k' }];
  return {
    name: 'TopK',
    sinceVersion: version,
    ...(version === 1 ? { supersededAt: 10 } : version === 10 ? { supersededAt: 11 } : {}),
    outputCount: [2, 2],
    dtypes: version === 11 ? NUMERIC : FLOATS,
    inputs: [{ name: 'X', rank: [1, 6] }, ...kInput],
    attrs: (ranks) => {
      const r = ranks[0]!;
      const attrs: Record<string, AttrSpec> = {
        axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r), default: -1 },
        k: version === 1 ? { kind: 'int', domain: [1, MAX_K] } : { kind: 'ints', length: 1, domain: [1, MAX_K] },
      };
      if (version === 11) {
        attrs.largest = { kind: 'choice', choices: [0, 1], default: 1 };
        attrs.sorted = { kind: 'choice', choices: [1], default: 1 };
      }
      return attrs;
    },
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const axis = sortAxis(ctx);
      const rules: BoolExpr[] = [rule(`axis in [${-r}, ${r - 1}]`, axis === undefined ? FALSE : TRUE)];
      if (version !== 1 && ctx.ints('k').length !== 1) rules.push(rule('K holds one value', FALSE));
      if (axis === undefined || rules.length > 1) return rules;
      const k = kOf(ctx, version);
      rules.push(rule('k >= 1', ge(k, 1)), rule('k <= the axis length', le(k, ctx.inputs[0]!.shape[axis]!)));
      return rules;
    },
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      const axis = sortAxis(ctx)!;
      const shape = x.shape.map((d, i) => (i === axis ? kOf(ctx, version) : d));
      return [
        { dtype: x.dtype, shape },
        { dtype: 'int64', shape },
      ];
    },
    numeric: facts({
      // Values are elements of X (not every element: nothing is known backward); indices flip on ties.
      range: { forward: ([x]) => x ?? ANY },
      exactness: { kind: 'copies' },
      discontinuity: { kind: 'arg-extreme' },
    }),
  };
}

export const topK1 = topK(1);
export const topK10 = topK(10);
export const topK11 = topK(11);
