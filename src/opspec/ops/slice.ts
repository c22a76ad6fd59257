import {
  add, between, c, constValue, floordiv, max, min, mul, ne, rule, sub, FALSE, TRUE, type BoolExpr, type IntExpr, type IntLike,
} from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { ALL } from './dtypes.js';
import { normalizeAxes } from './squeeze.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions, nonNegativeAxes } from './versions.js';

/**
 * Symbolic starts, ends and steps stay within [-SIGN_SCALE, SIGN_SCALE - 1], where
 * floordiv(x, SIGN_SCALE) is -1 for a negative x and 0 otherwise: the spec language has no
 * conditional, and this is how a rule says "if x < 0".
 */
const SIGN_SCALE = 64;

/** 1 when x < 0, else 0. */
function isNegative(x: IntExpr): IntExpr {
  const k = constValue(x);
  if (k !== undefined) return c(k < 0 ? 1 : 0);
  return sub(0, floordiv(x, SIGN_SCALE));
}

const clamp = (x: IntLike, lo: IntLike, hi: IntLike): IntExpr => min(max(x, lo), hi);
/** ceil(a / b) for b >= 1. */
const ceilDiv = (a: IntLike, b: IntLike): IntExpr => floordiv(add(a, sub(b, 1)), b);

/** The length of one sliced axis, by Slice-13's rules (negative indices count from the end, then clamping that depends on the step's sign). */
export function slicedLength(dim: IntExpr, start: IntExpr, end: IntExpr, step: IntExpr): IntExpr {
  const s = add(start, mul(dim, isNegative(start)));
  const e = add(end, mul(dim, isNegative(end)));
  const backward = isNegative(step);
  const absStep = mul(step, sub(1, mul(2, backward)));
  const forwardLength = max(0, ceilDiv(sub(clamp(e, 0, dim), clamp(s, 0, dim)), absStep));
  const backwardLength = max(0, ceilDiv(sub(clamp(s, 0, sub(dim, 1)), clamp(e, -1, sub(dim, 1))), absStep));
  const known = constValue(backward);
  if (known !== undefined) return known === 1 ? backwardLength : forwardLength;
  return add(mul(sub(1, backward), forwardLength), mul(backward, backwardLength));
}

/** The data axis each starts/ends entry applies to: `axes` normalized, or the first axes in order. */
export function sliceAxes(rank: number, count: number, axes: readonly number[] | undefined): number[] | undefined {
  if (axes === undefined) return count <= rank ? [...Array(count).keys()] : undefined;
  return axes.length === count ? normalizeAxes(axes, rank) : undefined;
}

/** The first element read along one axis (the clamped, normalized start). */
export function sliceFirstIndex(dim: number, start: number, step: number): number {
  const s = start < 0 ? start + dim : start;
  return step > 0 ? Math.min(Math.max(s, 0), dim) : Math.min(Math.max(s, 0), dim - 1);
}

function entries(ctx: SpecContext) {
  const starts = ctx.ints('starts');
  const axes = ctx.has('axes') ? allConst(ctx.ints('axes')) : undefined;
  return {
    starts,
    ends: ctx.ints('ends'),
    steps: ctx.has('steps') ? ctx.ints('steps') : starts.map(() => c(1)),
    axes: sliceAxes(ctx.inputs[0]!.shape.length, starts.length, axes),
  };
}

const INDEX_DOMAIN: readonly [number, number] = [-16, 16];

/** Slice-13 with starts, ends, axes and steps as constant inputs. */
export const slice: OpSpec = {
  name: 'Slice',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'data', rank: [1, 8] },
    { name: 'starts', dtypes: ['int32', 'int64'], rank: () => 1, constantFrom: 'starts' },
    { name: 'ends', dtypes: ['int32', 'int64'], rank: () => 1, constantFrom: 'ends' },
    { name: 'axes', dtypes: ['int32', 'int64'], rank: () => 1, optional: true, constantFrom: 'axes' },
    { name: 'steps', dtypes: ['int32', 'int64'], rank: () => 1, optional: true, constantFrom: 'steps' },
  ],
  // Generated slices name every axis (so that the four lists have one length); dims are at most 12,
  // so bounds in [-16, 16] also exercise the clamping.
  attrs: (ranks) => {
    const r = ranks[0]!;
    return {
      starts: { kind: 'ints', length: r, domain: INDEX_DOMAIN },
      ends: { kind: 'ints', length: r, domain: INDEX_DOMAIN },
      axes: { kind: 'axes', rank: r, count: [r, r] },
      steps: { kind: 'ints', length: r, domain: [-3, 3] },
    };
  },
  requires: (ctx) => {
    const { starts, ends, steps, axes } = entries(ctx);
    const r = ctx.inputs[0]!.shape.length;
    const indexTypes = new Set(ctx.inputs.slice(1).flatMap((x) => (x ? [x.dtype] : [])));
    const req: BoolExpr[] = [
      rule('starts, ends, axes and steps have one dtype', indexTypes.size <= 1 ? TRUE : FALSE),
      rule('starts, ends, axes and steps have one length', ends.length === starts.length && steps.length === starts.length ? TRUE : FALSE),
      rule(`axes are distinct and in [${-r}, ${r - 1}], one per start`, axes ? TRUE : FALSE),
    ];
    for (const t of steps) req.push(rule('steps are not 0', ne(t, 0)));
    for (const x of [...starts, ...ends, ...steps]) {
      if (constValue(x) !== undefined) continue;
      req.push(rule(`symbolic slice parameters lie in [${-SIGN_SCALE}, ${SIGN_SCALE - 1}]`, between(x, -SIGN_SCALE, SIGN_SCALE - 1)));
    }
    return req;
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    const { starts, ends, steps, axes } = entries(ctx);
    const shape = [...x.shape];
    axes!.forEach((a, j) => {
      shape[a] = slicedLength(x.shape[a]!, starts[j]!, ends[j]!, steps[j]!);
    });
    return [{ dtype: x.dtype, shape }];
  },
  numeric: COPY_FACTS,
};

/** Slice-1 (opsets 1 to 9): starts, ends and axes are attributes, and there are no steps. */
const slice1Base: OpSpec = {
  ...slice,
  inputs: [slice.inputs[0]!],
  attrs: (ranks) => Object.fromEntries(Object.entries(slice.attrs!(ranks)).filter(([name]) => name !== 'steps')),
};

/** Slice-1 and 10 take no negative axes (11 does); 10 made the lists constant inputs and added steps; 13 adds bfloat16. */
export const SLICE_SPECS: readonly OpSpec[] = allVersions(slice, [
  [1, { ...slice1Base, ...nonNegativeAxes(slice1Base, ['axes']) }],
  [10, nonNegativeAxes(slice, ['axes'])],
  11,
]);
