import { c, constValue, eq, ge, rule, FALSE, TRUE, type IntExpr } from '../expr.js';
import { facts } from '../numeric.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';

/** depth: a scalar (or one-element) constant; a float depth counts as its integer part. */
function depth(ctx: SpecContext): IntExpr {
  const given = ctx.inputs[1]!.shape.length === 0 ? scalarDepth(ctx) : ctx.ints('depth')[0]!;
  const k = constValue(given);
  return k === undefined ? given : c(Math.trunc(k));
}

function scalarDepth(ctx: SpecContext): IntExpr {
  try {
    return ctx.int('depth');
  } catch {
    return c(Math.trunc(ctx.float('depth')));
  }
}

/**
 * OneHot: the indices with a new axis of length depth at 'axis', holding values[1] (on) where the
 * index along it equals the element and values[0] (off) elsewhere; an index outside the valid range
 * gives all off. Version 11 counts negative indices from the back ([-depth, depth - 1]); version 9
 * takes [0, depth - 1]. Depth is a constant.
 */
function oneHotSpec(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  const negativeIndices = sinceVersion >= 11;
  return {
    name: 'OneHot',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [
      // Any index is defined (out of range or between integers: all off), so a float one jumps at integers.
      // onnxruntime registers few (indices, values, depth) combinations: a float32 depth (the
      // generator's, the last of its dtypes) goes with int32, int64 and float32 indices.
      // ONNX's shape inference requires rank >= 1 ("Indices tensor must have rank >= 1").
      { name: 'indices', dtypes: ['int64', 'int32', 'float32'], rank: [1, 4] },
      { name: 'depth', dtypes: ['int32', 'int64', 'float64', 'float32'], rank: [0, 1], constantFrom: 'depth' },
      { name: 'values', rank: () => 1 },
    ],
    attrs: (ranks) => {
      const r = ranks[0]!;
      return {
        axis: { kind: 'choice', choices: [...Array(2 * r + 2).keys()].map((i) => i - r - 1), default: -1 },
        depth: { kind: 'int', domain: [1, 8] },
      };
    },
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const axis = constValue(ctx.int('axis'))!;
      const d = depth(ctx);
      const k = constValue(d);
      return [
        rule(`axis in [${-r - 1}, ${r}]`, axis >= -r - 1 && axis <= r ? TRUE : FALSE),
        rule('depth >= 1', k === undefined ? ge(d, 1) : k >= 1 ? TRUE : FALSE),
        rule('values holds [off, on]', eq(ctx.inputs[2]!.shape[0]!, 2)),
      ];
    },
    outputs: (ctx) => {
      const shape = [...ctx.inputs[0]!.shape];
      const axis = constValue(ctx.int('axis'))!;
      shape.splice(axis < 0 ? axis + shape.length + 1 : axis, 0, depth(ctx));
      return [{ dtype: ctx.dtype, shape }];
    },
    // Version 9 leaves negative indices out of range; onnxruntime's one kernel for both may not.
    domain: [{ input: 0, min: negativeIndices ? -1e9 : 0, max: 1e9 }],
    numeric: facts({
      discontinuity: { kind: 'elementwise', at: 'integer' },
      // Copies of off and on.
      range: { forward: ([, , values]) => values!, backward: (out) => [undefined, undefined, out] },
      exactness: { kind: 'copies' },
    }),
  };
}

export const oneHot9 = oneHotSpec(9, 11);
export const oneHot = oneHotSpec(11, undefined);
