import { eq, FALSE, ge, le, product, rule, TRUE, type BoolExpr } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';
import { addressedDims, tupleEnvelope, tupleLengthOf } from './index-tuples.js';
import { indexTuples } from './index-values.js';
import { boolReductionRule, scatterFacts, scatterReductions } from './scatter-facts.js';

const reductionOf = (ctx: SpecContext, version: number) => (version >= 16 ? ctx.str('reduction') : 'none');

/**
 * ScatterND (11, 13; reduction add/mul from 16, max/min from 18): output = data, with the slice
 * each k-tuple of the int64 indices addresses replaced by (or reduced with) the matching slice of
 * the updates, whose shape is indices.shape[:-1] + data.shape[k:]. Without a reduction ONNX leaves
 * repeated tuples undefined, so the generator draws distinct ones.
 */
function scatterND(version: 11 | 13 | 16 | 18): OpSpec {
  return {
    name: 'ScatterND',
    sinceVersion: version,
    ...(version === 11 ? { supersededAt: 13 } : version === 13 ? { supersededAt: 16 } : version === 16 ? { supersededAt: 18 } : {}),
    dtypes: ALL,
    inputs: [
      { name: 'data', rank: [1, 6] },
      {
        name: 'indices',
        dtype: 'int64',
        rank: [1, 6],
        tupleLength: (ranks) => [1, ranks[0]!],
        valueRange: (ctx) => tupleEnvelope(ctx.inputs[0]!, 0, tupleLengthOf(ctx.inputs[1]!)),
        drawValues: (ctx, shape, draw) => {
          const k = shape[shape.length - 1]!;
          const count = shape.slice(0, -1).reduce((x, y) => x * y, 1);
          return indexTuples(count, addressedDims(ctx.inputs[0]!, 0, k), draw, reductionOf(ctx, version) === 'none');
        },
      },
      {
        name: 'updates',
        rank: [0, 8],
        generatedRank: ([data, indices]) => {
          const k = indices ? tupleLengthOf(indices) : undefined;
          return data && indices && k !== undefined ? indices.shape.length - 1 + data.shape.length - k : undefined;
        },
      },
    ],
    attrs: () => {
      const attrs: Record<string, AttrSpec> = {};
      if (version >= 16) attrs.reduction = { kind: 'string', choices: scatterReductions(version), default: 'none' };
      return attrs;
    },
    requires: (ctx) => {
      const [data, indices, updates] = ctx.inputs;
      const r = data!.shape.length;
      const q = indices!.shape.length;
      const k = tupleLengthOf(indices!);
      if (k === undefined) return [rule('the tuple length is known', FALSE)];
      const last = indices!.shape[q - 1]!;
      const rules: BoolExpr[] = [
        rule('the index tuples address at least one dim', ge(last, 1)),
        rule('tuple length <= rank of data', le(last, r)),
        ...boolReductionRule(ctx, reductionOf(ctx, version)),
      ];
      if (k < 1 || k > r) return rules;
      const expected = [...indices!.shape.slice(0, -1), ...data!.shape.slice(k)];
      if (updates!.shape.length !== expected.length) return [...rules, rule(`updates have rank ${expected.length} (indices rank - 1 + data rank - tuple length)`, FALSE)];
      rules.push(rule(`updates have rank ${expected.length}`, TRUE));
      expected.forEach((d, i) => rules.push(rule(`updates dim ${i} = ${i < q - 1 ? `indices dim ${i}` : `data dim ${i - (q - 1) + k}`}`, eq(updates!.shape[i]!, d))));
      // Distinct tuples need as many addressable slices as there are tuples.
      if (reductionOf(ctx, version) === 'none') rules.push(rule('no more tuples than addressed slices', le(product(indices!.shape.slice(0, -1)), product(data!.shape.slice(0, k)))));
      return rules;
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    numeric: scatterFacts(version),
  };
}

export const scatterND11 = scatterND(11);
export const scatterND13 = scatterND(13);
export const scatterND16 = scatterND(16);
export const scatterND18 = scatterND(18);
