import { add, and, c, ge, le, min, or, rule, sub, FALSE, type BoolExpr, type IntExpr } from '../expr.js';
import type { InputSlot, OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import type { DType } from '../../ir/dtype.js';
import type { ConcreteAttrs } from '../infer.js';
import { ALL, FLOATS, NUMERIC } from './dtypes.js';
import { allVersions } from './versions.js';
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
function padSpec(sinceVersion: number, supersededAt: number | undefined, modes: readonly string[], withAxes: boolean, dtypes: readonly DType[] = ALL): OpSpec {
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
    dtypes,
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

/** Pad-11: pads and constant_value are inputs; numeric types only (13 adds bool). */
const pad11 = padSpec(11, 13, MODES, false, NUMERIC);

/** Pad-2 (opsets 2 to 10): floats only, with pads and the constant `value` as attributes. */
const pad2: OpSpec = {
  ...pad11,
  sinceVersion: 2,
  supersededAt: 11,
  dtypes: FLOATS,
  inputs: [pad11.inputs[0]!],
  attrs: (ranks) => ({ ...pad11.attrs!(ranks), value: { kind: 'float', range: [-1, 1], default: 0 } }),
  // The padding value is an attribute, not an input element: the output holds values no input
  // holds, so the copies facts (which the checks read as "only input values") do not apply.
  numeric: facts(),
};

/** Every version: 2, 11, 13 (bool), 18 (axes), 19 (wrap) and 21 (types we lack). */
export const PAD_SPECS: readonly OpSpec[] = [
  pad2,
  pad11,
  padSpec(13, 18, MODES, false),
  padSpec(18, 19, MODES, true),
  ...allVersions(padSpec(19, undefined, [...MODES, 'wrap'], true), [], [21]),
];

/** The constant a Pad node writes in 'constant' mode: the constant_value input (11 on), Pad-2's value attribute, or 0. */
export function padConstant(inputs: readonly ({ readonly data: ArrayLike<number> } | undefined)[], attrs: ConcreteAttrs): number {
  const given = inputs[2];
  if (given && given.data.length > 0) return given.data[0]!;
  return attrs.has('value') ? attrs.float('value') : 0;
}

