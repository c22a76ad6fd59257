import { constValue, eq, FALSE, ge, le, rule, TRUE, type BoolExpr } from '../expr.js';
import { COPY_FACTS } from '../ranges.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';
import { addressedDims, tupleEnvelope, tupleLengthOf } from './index-tuples.js';
import { indexTuples } from './index-values.js';

const batchDims = (ctx: SpecContext, version: number) => (version >= 12 ? constValue(ctx.int('batch_dims'))! : 0);

/**
 * GatherND (11; batch_dims from 12; 13 for bfloat16): each k-tuple along the last dim of the int64
 * indices picks a slice of the data after the first b (batch_dims) dims, which the indices share:
 * output = indices.shape[:-1] + data.shape[b + k:].
 */
function gatherND(version: 11 | 12 | 13): OpSpec {
  return {
    name: 'GatherND',
    sinceVersion: version,
    ...(version === 11 ? { supersededAt: 12 } : version === 12 ? { supersededAt: 13 } : {}),
    dtypes: ALL,
    inputs: [
      { name: 'data', rank: [1, 6] },
      {
        name: 'indices',
        dtype: 'int64',
        rank: [1, 6],
        tupleLength: (ranks) => [1, ranks[0]!],
        valueRange: (ctx) => tupleEnvelope(ctx.inputs[0]!, batchDims(ctx, version), tupleLengthOf(ctx.inputs[1]!)),
        drawValues: (ctx, shape, draw) => {
          const b = batchDims(ctx, version);
          const k = shape[shape.length - 1]!;
          return indexTuples(shape.slice(0, -1).reduce((x, y) => x * y, 1), addressedDims(ctx.inputs[0]!, b, k), draw, false);
        },
      },
    ],
    attrs: (ranks) => {
      const attrs: Record<string, AttrSpec> = {};
      const bound = Math.min(ranks[0]!, ranks[1]!) - 1;
      if (version >= 12) attrs.batch_dims = { kind: 'choice', choices: [...Array(Math.max(1, bound + 1)).keys()], default: 0 };
      return attrs;
    },
    requires: (ctx) => {
      const [data, indices] = ctx.inputs;
      const r = data!.shape.length;
      const q = indices!.shape.length;
      const b = batchDims(ctx, version);
      const k = tupleLengthOf(indices!);
      if (b >= Math.min(r, q)) return [rule('batch_dims < min(rank of data, rank of indices)', FALSE)];
      const rules: BoolExpr[] = [rule('batch_dims < min(rank of data, rank of indices)', TRUE)];
      for (let i = 0; i < b; i++) rules.push(rule(`indices dim ${i} = data dim ${i} (a batch dim)`, eq(indices!.shape[i]!, data!.shape[i]!)));
      const last = indices!.shape[q - 1]!;
      rules.push(rule('the index tuples address at least one dim', ge(last, 1)), rule('batch_dims + tuple length <= rank of data', le(last, r - b)));
      if (k === undefined) rules.push(rule('the tuple length is known', FALSE));
      return rules;
    },
    outputs: (ctx) => {
      const [data, indices] = ctx.inputs;
      const k = tupleLengthOf(indices!)!;
      return [{ dtype: data!.dtype, shape: [...indices!.shape.slice(0, -1), ...data!.shape.slice(batchDims(ctx, version) + k)] }];
    },
    numeric: COPY_FACTS,
  };
}

export const gatherND11 = gatherND(11);
export const gatherND12 = gatherND(12);
export const gatherND13 = gatherND(13);
