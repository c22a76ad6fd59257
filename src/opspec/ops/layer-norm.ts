import { c, constValue, eq, or, rule, TRUE, FALSE, type BoolExpr, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext, SymTensor } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { facts } from '../numeric.js';
import { SQUARES_FIT_FLOAT32 } from './squares.js';

/** The normalized axis in [0, rank), or undefined when the attribute is out of range. */
function normalizedAxis(ctx: SpecContext): number | undefined {
  const r = ctx.inputs[0]!.shape.length;
  const axis = constValue(ctx.int('axis'))!;
  return axis >= -r && axis < r ? (axis < 0 ? axis + r : axis) : undefined;
}

/** t unidirectionally broadcasts to the normalized shape (the trailing dims of X from the axis). */
function broadcastsTo(t: SymTensor, normalized: readonly IntExpr[], name: string): BoolExpr[] {
  if (t.shape.length > normalized.length) return [rule(`${name} has at most as many dims as the normalized shape`, FALSE)];
  const offset = normalized.length - t.shape.length;
  return t.shape.map((d, i) =>
    rule(`${name} dim ${i} broadcasts to X dim ${i + offset - normalized.length}`, or(eq(d, normalized[i + offset]!), eq(d, 1))),
  );
}

/**
 * LayerNormalization-17: normalizes over the dims from `axis` on, then scales and shifts. Mean and
 * InvStdDev (optional outputs) have X's leading dims and 1s after; their type is stash_type's
 * (float32, the only value ONNX allows for our dtypes).
 */
export const layerNormalization: OpSpec = {
  name: 'LayerNormalization',
  sinceVersion: 17,
  outputCount: [1, 3],
  dtypes: FLOATS,
  inputs: [
    { name: 'X', rank: [1, 5] },
    { name: 'Scale', rank: [1, 5] },
    { name: 'B', rank: [1, 5], optional: true },
  ],
  attrs: (ranks) => {
    const r = ranks[0]!;
    const widest = Math.max(ranks[1]!, ranks[2] ?? 0);
    // Axes whose normalized shape is wide enough for Scale and B; every axis if none is.
    const fitting = [...Array(r).keys()].filter((a) => r - a >= widest);
    const axes = fitting.length > 0 ? fitting : [...Array(r).keys()];
    return {
      axis: { kind: 'choice', choices: axes.flatMap((a) => [a, a - r]), default: -1 },
      epsilon: { kind: 'float', range: [1e-5, 1e-2], default: 1e-5 },
      stash_type: { kind: 'choice', choices: [1], default: 1 },
    };
  },
  requires: (ctx) => {
    const [x, scale, b] = ctx.inputs;
    const axis = normalizedAxis(ctx);
    const r = x!.shape.length;
    if (axis === undefined) return [rule(`axis in [${-r}, ${r - 1}]`, FALSE)];
    const normalized = x!.shape.slice(axis);
    return [
      rule('stash_type == 1 (float)', constValue(ctx.int('stash_type')) === 1 ? TRUE : FALSE),
      ...broadcastsTo(scale!, normalized, 'Scale'),
      ...(b ? broadcastsTo(b, normalized, 'B') : []),
    ];
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    const axis = normalizedAxis(ctx)!;
    const stats = { dtype: 'float32' as const, shape: x.shape.map((d, i) => (i < axis ? d : c(1))) };
    return [x, stats, stats].slice(0, ctx.outputCount);
  },
  // Its variance sums squares of the input.
  domain: SQUARES_FIT_FLOAT32,
  numeric: facts({ conditioning: { kind: 'normalization', statistics: 'trailing' } }),
};
