import { c, constValue, eq, ne, rule, FALSE, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions, nonNegativeAxes } from './versions.js';

/** Axes normalized against `rank`; undefined when one is out of range or repeated. */
export function normalizeAxes(axes: readonly number[], rank: number): number[] | undefined {
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  if (out.some((a) => a < 0 || a >= rank) || new Set(out).size !== out.length) return undefined;
  return out;
}

function squeezeAxes(ctx: SpecContext): number[] | undefined {
  return normalizeAxes(allConst(ctx.ints('axes'))!, ctx.inputs[0]!.shape.length);
}

/** Squeeze-13: removes the listed dims of size 1, or every dim of size 1 without `axes`. */
export const squeeze: OpSpec = {
  name: 'Squeeze',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'data', rank: [1, 8] },
    { name: 'axes', dtype: 'int64', rank: () => 1, optional: true, constantFrom: 'axes' },
  ],
  attrs: (ranks) => ({ axes: { kind: 'axes', rank: ranks[0]!, count: [1, Math.min(2, ranks[0]!)] } }),
  requires: (ctx) => {
    const shape = ctx.inputs[0]!.shape;
    if (!ctx.has('axes')) {
      // Which dims go depends on their values: with symbolic dims the output rank would be unknown,
      // so a node without axes is only built over dims that are not 1 (then it changes nothing).
      if (allConst(shape)) return [];
      return shape.map((d, i) => rule(`without axes, dim ${i} of a symbolic shape is not 1`, ne(d, 1)));
    }
    const axes = squeezeAxes(ctx);
    if (!axes) return [rule(`axes are distinct and in [${-shape.length}, ${shape.length - 1}]`, FALSE)];
    return axes.map((a): BoolExpr => rule(`squeezed dim ${a} is 1`, eq(shape[a]!, 1)));
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    if (!ctx.has('axes')) return [{ dtype: x.dtype, shape: x.shape.filter((d) => constValue(d) !== 1) }];
    const axes = new Set(squeezeAxes(ctx)!);
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.has(i)) }];
  },
  numeric: COPY_FACTS,
};

function unsqueezeAxes(ctx: SpecContext): number[] | undefined {
  const axes = allConst(ctx.ints('axes'))!;
  return normalizeAxes(axes, ctx.inputs[0]!.shape.length + axes.length);
}

/** Unsqueeze-13: inserts dims of size 1 at `axes`, which index the output. */
export const unsqueeze: OpSpec = {
  name: 'Unsqueeze',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'data', rank: [0, 8] },
    { name: 'axes', dtype: 'int64', rank: () => 1, constantFrom: 'axes' },
  ],
  // The axes index the output, whose rank is r + len(axes): drawn from r + 2 positions, a single axis
  // may fall outside r + 1 and is then rejected by requires().
  attrs: (ranks) => ({ axes: { kind: 'axes', rank: ranks[0]! + 2, count: [1, 2] } }),
  requires: (ctx) => {
    const n = ctx.ints('axes').length;
    const outRank = ctx.inputs[0]!.shape.length + n;
    return [rule(`axes are distinct and in [${-outRank}, ${outRank - 1}]`, unsqueezeAxes(ctx) ? TRUE : FALSE)];
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    const axes = new Set(unsqueezeAxes(ctx)!);
    const shape: IntExpr[] = [];
    let next = 0;
    for (let i = 0; i < x.shape.length + axes.size; i++) shape.push(axes.has(i) ? c(1) : x.shape[next++]!);
    return [{ dtype: x.dtype, shape }];
  },
  numeric: COPY_FACTS,
};

/** Squeeze or Unsqueeze with `axes` as an attribute (opsets 1 to 12) instead of a constant input. */
function axesAsAttribute(spec: OpSpec): OpSpec {
  return { ...spec, inputs: [spec.inputs[0]!] };
}

// Squeeze's axes are optional (without them every dim of size 1 goes).
const squeeze11: OpSpec = {
  ...axesAsAttribute(squeeze),
  attrs: (ranks) => {
    const { axes } = squeeze.attrs!(ranks);
    return { axes: { ...axes!, optional: true } };
  },
};
const unsqueeze11 = axesAsAttribute(unsqueeze);

/**
 * Squeeze and Unsqueeze: `axes` is an attribute up to 12 (non-negative before 11) and an input from
 * 13; 21 adds int4.
 */
export const SQUEEZE_SPECS: readonly OpSpec[] = [
  ...allVersions(squeeze, [[1, { ...squeeze11, ...nonNegativeAxes(squeeze11, ['axes']) }], [11, squeeze11]], [21]),
  ...allVersions(unsqueeze, [[1, { ...unsqueeze11, ...nonNegativeAxes(unsqueeze11, ['axes']) }], [11, unsqueeze11]], [21]),
];
