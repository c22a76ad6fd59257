import { add, and, c, ge, le, min, or, rule, sub, FALSE, type BoolExpr, type IntExpr } from '../expr.js';
import type { InputSlot, OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { ALL } from './dtypes.js';
import { normalizeAxes } from './squeeze.js';
import { facts } from '../numeric.js';

/**
 * Begin and end pads of every data axis from `pads` ([x1_begin, x2_begin, ..., x1_end, x2_end, ...])
 * over `axes` (all axes in order when absent); axes not listed get no padding. Undefined when the
 * lengths or the axes are wrong.
 */
export function padsPerAxis<T>(rank: number, pads: readonly T[], axes: readonly number[] | undefined, zero: T): { begin: T[]; end: T[] } | undefined {
  const listed = axes === undefined ? [...Array(rank).keys()] : normalizeAxes(axes, rank);
  if (!listed || pads.length !== 2 * listed.length) return undefined;
  const begin = new Array<T>(rank).fill(zero);
  const end = new Array<T>(rank).fill(zero);
  listed.forEach((a, j) => {
    begin[a] = pads[j]!;
    end[a] = pads[j + listed.length]!;
  });
  return { begin, end };
}

function resolvePads(ctx: SpecContext) {
  const axes = ctx.has('axes') ? allConst(ctx.ints('axes')) : undefined;
  return padsPerAxis<IntExpr>(ctx.inputs[0]!.shape.length, ctx.ints('pads'), axes, c(0));
}

/** Pad at opset `sinceVersion`: the modes it knows, and whether it takes the `axes` input (18+). */
function padSpec(sinceVersion: number, supersededAt: number | undefined, modes: readonly string[], withAxes: boolean): OpSpec {
  const inputs: InputSlot[] = [
    { name: 'data', rank: [1, 8] },
    { name: 'pads', dtype: 'int64', rank: () => 1, constantFrom: 'pads' },
    { name: 'constant_value', rank: [0, 0], optional: true },
  ];
  if (withAxes) inputs.push({ name: 'axes', dtypes: ['int32', 'int64'], rank: () => 1, optional: true, constantFrom: 'axes' });
  return {
    name: 'Pad',
    sinceVersion,
    ...(supersededAt ? { supersededAt } : {}),
    dtypes: ALL,
    inputs,
    // Generated pads are 0..2 (negative pads, which crop, are accepted on import); with `axes`,
    // every axis is listed (in some order) so that `pads` has a fixed length.
    attrs: (ranks) => {
      const r = ranks[0]!;
      return {
        mode: { kind: 'string', choices: modes, default: 'constant' },
        pads: { kind: 'ints', length: 2 * r, domain: [0, 2] },
        ...(withAxes ? { axes: { kind: 'axes', rank: r, count: [r, r] } as const } : {}),
      };
    },
    requires: (ctx) => {
      const x = ctx.inputs[0]!;
      const r = x.shape.length;
      const pads = resolvePads(ctx);
      if (!pads) return [rule(`pads has 2 entries per padded axis, and axes are distinct and in [${-r}, ${r - 1}]`, FALSE)];
      const mode = ctx.str('mode');
      const req: BoolExpr[] = [];
      x.shape.forEach((d, i) => {
        const b = pads.begin[i]!;
        const e = pads.end[i]!;
        // Negative pads crop first; the other modes then pad what is left (as onnxruntime does).
        const kept = add(add(d, min(b, 0)), min(e, 0));
        req.push(rule(`padded dim ${i} is not negative`, ge(add(add(d, b), e), 0)));
        // numpy reflects (and wraps) again past the far edge, but runtimes reject or mishandle such pads.
        if (mode === 'reflect') req.push(rule(`reflect pads of dim ${i} are smaller than the dim`, and(le(b, sub(kept, 1)), le(e, sub(kept, 1)))));
        if (mode === 'wrap') req.push(rule(`wrap pads of dim ${i} are at most the dim`, and(le(b, kept), le(e, kept))));
        if (mode === 'edge') req.push(rule(`edge pads of dim ${i} need a non-empty dim`, or(ge(kept, 1), and(le(b, 0), le(e, 0)))));
      });
      return req;
    },
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      const pads = resolvePads(ctx)!;
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => add(add(d, pads.begin[i]!), pads.end[i]!)) }];
    },
    numeric: facts({ exactness: { kind: 'copies', zero: true } }),
  };
}

const MODES = ['constant', 'reflect', 'edge'];

export const pad13 = padSpec(13, 18, MODES, false);
export const pad18 = padSpec(18, 19, MODES, true);
export const pad19 = padSpec(19, undefined, [...MODES, 'wrap'], true);

