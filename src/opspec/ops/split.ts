import { add, constValue, eq, floordiv, ge, mod, mul, rule, sub, sum, FALSE, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import type { AttrSpec, InputSlot, OpSpec, SpecContext, SymTensor } from '../spec.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions, nonNegativeAxes } from './versions.js';

const MAX_PARTS = 4;

const inputs: readonly InputSlot[] = [
  { name: 'input', rank: [1, 8] },
  { name: 'split', dtype: 'int64', rank: () => 1, optional: true, constantFrom: 'split' },
];

function commonAttrs(r: number): Record<string, AttrSpec> {
  return {
    axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r), default: 0 },
    split: { kind: 'ints', length: [1, MAX_PARTS], domain: [1, 12] },
  };
}

/** The split axis normalized, or undefined when out of range. */
function splitAxis(ctx: SpecContext): number | undefined {
  const r = ctx.inputs[0]!.shape.length;
  const axis = constValue(ctx.int('axis'))!;
  return axis >= -r && axis < r ? (axis < 0 ? axis + r : axis) : undefined;
}

/** Rules for an explicit `split` input: one size per output, sizes >= 0 adding up to the dim. */
function explicitSplitRules(ctx: SpecContext, dim: IntExpr): BoolExpr[] {
  const sizes = ctx.ints('split');
  return [
    rule(`split has one size per output (${ctx.outputCount})`, sizes.length === ctx.outputCount ? TRUE : FALSE),
    ...sizes.map((s) => rule('split sizes are >= 0', ge(s, 0))),
    rule('split sizes add up to the split dim', eq(sum(sizes), dim)),
  ];
}

function partsShapes(ctx: SpecContext, axis: number, sizes: readonly IntExpr[]): SymTensor[] {
  const x = ctx.inputs[0]!;
  return sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
}

const axisRule = (ctx: SpecContext) => {
  const r = ctx.inputs[0]!.shape.length;
  return rule(`axis in [${-r}, ${r - 1}]`, splitAxis(ctx) === undefined ? FALSE : TRUE);
};

/** Split-13: sizes from the `split` input, or equal parts (which must divide the dim exactly). */
export const split13: OpSpec = {
  name: 'Split',
  sinceVersion: 13,
  supersededAt: 18,
  outputCount: [1, MAX_PARTS],
  dtypes: ALL,
  inputs,
  attrs: (ranks) => commonAttrs(ranks[0]!),
  requires: (ctx) => {
    const axis = splitAxis(ctx);
    if (axis === undefined) return [axisRule(ctx)];
    const dim = ctx.inputs[0]!.shape[axis]!;
    if (ctx.has('split')) return explicitSplitRules(ctx, dim);
    return [rule(`the split dim divides into ${ctx.outputCount} equal parts`, eq(mod(dim, ctx.outputCount), 0))];
  },
  outputs: (ctx) => {
    const axis = splitAxis(ctx)!;
    const dim = ctx.inputs[0]!.shape[axis]!;
    const sizes = ctx.has('split') ? ctx.ints('split') : Array.from({ length: ctx.outputCount }, () => floordiv(dim, ctx.outputCount));
    return partsShapes(ctx, axis, sizes);
  },
  numeric: COPY_FACTS,
};

/** Split-18's sizes without a `split` input: ceil(dim / n) each, the last part taking what is left. */
function evenSizes(dim: IntExpr, n: number): IntExpr[] {
  const chunk = floordiv(add(dim, n - 1), n);
  return Array.from({ length: n }, (_, i) => (i < n - 1 ? chunk : sub(dim, mul(chunk, n - 1))));
}

/** Split-18: either the `split` input or the `num_outputs` attribute, whose last part may be smaller. */
export const split18: OpSpec = {
  name: 'Split',
  sinceVersion: 18,
  outputCount: [1, MAX_PARTS],
  dtypes: ALL,
  inputs,
  attrs: (ranks) => ({
    ...commonAttrs(ranks[0]!),
    num_outputs: { kind: 'int', domain: [1, MAX_PARTS], optional: true },
  }),
  requires: (ctx) => {
    const axis = splitAxis(ctx);
    if (axis === undefined) return [axisRule(ctx)];
    const dim = ctx.inputs[0]!.shape[axis]!;
    const given = ctx.has('split');
    if (given === ctx.has('num_outputs')) return [rule('exactly one of the split input and num_outputs is given', FALSE)];
    if (given) return explicitSplitRules(ctx, dim);
    const sizes = evenSizes(dim, ctx.outputCount);
    return [
      rule('num_outputs equals the number of outputs', eq(ctx.int('num_outputs'), ctx.outputCount)),
      rule('the last part is not of negative size', ge(sizes[sizes.length - 1]!, 0)),
    ];
  },
  outputs: (ctx) => {
    const axis = splitAxis(ctx)!;
    const dim = ctx.inputs[0]!.shape[axis]!;
    return partsShapes(ctx, axis, ctx.has('split') ? ctx.ints('split') : evenSizes(dim, ctx.outputCount));
  },
  numeric: COPY_FACTS,
};

/** Split with `split` as an attribute (opsets 2 to 12) instead of a constant input: otherwise as Split-13. */
const split11: OpSpec = {
  ...split13,
  inputs: [inputs[0]!],
  attrs: (ranks) => {
    const attrs = commonAttrs(ranks[0]!);
    // Without `split` the parts are equal.
    return { ...attrs, split: { ...attrs.split!, optional: true } };
  },
};

/** Split-2 takes no negative axis, 11 does; both give the sizes as an attribute. */
export const SPLIT_SPECS: readonly OpSpec[] = [
  ...allVersions(split13, [[2, { ...split11, ...nonNegativeAxes(split11, ['axis']) }], [11, split11]]),
  split18,
];
