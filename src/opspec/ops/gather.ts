import { c, constValue, le, rule, sub, FALSE, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions } from './versions.js';

function axisAttr(r: number): Record<string, AttrSpec> {
  return { axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r), default: 0 } };
}

/** The gather axis normalized, or undefined when out of range. */
function gatherAxis(ctx: SpecContext): number | undefined {
  const r = ctx.inputs[0]!.shape.length;
  const axis = constValue(ctx.int('axis'))!;
  return axis >= -r && axis < r ? (axis < 0 ? axis + r : axis) : undefined;
}

const axisRule = (ctx: SpecContext): BoolExpr => {
  const r = ctx.inputs[0]!.shape.length;
  return rule(`axis in [${-r}, ${r - 1}]`, gatherAxis(ctx) === undefined ? FALSE : TRUE);
};

/** Indices may count from the end: [-s, s-1] along an axis of size s. */
function indexRange(ctx: SpecContext): readonly [IntExpr, IntExpr] {
  const s = ctx.inputs[0]!.shape[gatherAxis(ctx) ?? 0]!;
  return [sub(0, s), sub(s, 1)];
}

/** Gather-13: output = data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
export const gather: OpSpec = {
  name: 'Gather',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'data', rank: [1, 8] },
    { name: 'indices', dtypes: ['int32', 'int64'], rank: [0, 8], valueRange: indexRange },
  ],
  attrs: (ranks) => axisAttr(ranks[0]!),
  requires: (ctx) => [axisRule(ctx)],
  outputs: (ctx) => {
    const [data, indices] = ctx.inputs;
    const axis = gatherAxis(ctx)!;
    return [{ dtype: data!.dtype, shape: [...data!.shape.slice(0, axis), ...indices!.shape, ...data!.shape.slice(axis + 1)] }];
  },
  numeric: COPY_FACTS,
};

/** GatherElements-13: indices of the data's rank; the output has the indices' shape. */
export const gatherElements: OpSpec = {
  name: 'GatherElements',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'data', rank: [1, 8] },
    { name: 'indices', dtypes: ['int32', 'int64'], rank: (r) => r[0]!, valueRange: indexRange },
  ],
  attrs: (ranks) => axisAttr(ranks[0]!),
  requires: (ctx) => {
    const axis = gatherAxis(ctx);
    if (axis === undefined) return [axisRule(ctx)];
    const [data, indices] = ctx.inputs;
    // out[..., j, ...] reads data[..., j, ...] on every axis but `axis`, so j must exist in the data.
    return indices!.shape.flatMap((d, i) => (i === axis ? [] : [rule(`indices dim ${i} <= data dim ${i}`, le(d, data!.shape[i]!))]));
  },
  outputs: (ctx) => [{ dtype: ctx.inputs[0]!.dtype, shape: ctx.inputs[1]!.shape }],
  numeric: COPY_FACTS,
};

/** Gather-1's indices are within [0, s-1]: negative ones count from the end only from version 11. */
function nonNegativeIndexRange(ctx: SpecContext): readonly [IntExpr, IntExpr] {
  return [c(0), indexRange(ctx)[1]];
}

/** Gather-1 (opsets 1 to 10), 11 (negative indices) and 13 (bfloat16); GatherElements-11 and 13 (bfloat16). */
export const GATHER_SPECS: readonly OpSpec[] = [
  ...allVersions(gather, [[1, { inputs: [gather.inputs[0]!, { ...gather.inputs[1]!, valueRange: nonNegativeIndexRange }] }], 11]),
  ...allVersions(gatherElements, [11]),
];
