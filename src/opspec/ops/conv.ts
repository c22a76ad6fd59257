import { eq, FALSE, ge, mod, mul, rule, type BoolExpr, type IntExpr } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { slidingWindowDims, slidingWindowRules, type WindowParams } from './sliding-window.js';
import { facts } from '../numeric.js';
import { allVersions } from './versions.js';

/** The attributes Conv and ConvTranspose share, for s spatial dims. */
export function convAttrs(s: number): Record<string, AttrSpec> {
  return {
    group: { kind: 'int', domain: [1, 4], default: 1 },
    strides: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) },
    dilations: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) },
    pads: { kind: 'ints', length: 2 * s, domain: [0, 3], default: new Array<number>(2 * s).fill(0) },
    kernel_shape: { kind: 'ints', length: s, domain: [1, 7], optional: true },
    auto_pad: { kind: 'string', choices: ['NOTSET'], accept: ['SAME_UPPER', 'SAME_LOWER', 'VALID'], default: 'NOTSET' },
  };
}

/** kernel_shape, when given, repeats W's spatial dims. */
export function kernelShapeRules(ctx: SpecContext, w: readonly IntExpr[]): BoolExpr[] {
  if (!ctx.has('kernel_shape')) return [];
  const s = w.length - 2;
  if (ctx.ints('kernel_shape').length !== s) return [rule(`kernel_shape has ${s} values`, FALSE)];
  return ctx.ints('kernel_shape').map((k, i) => rule(`kernel_shape[${i}] == W.shape[${i + 2}]`, eq(k, w[i + 2]!)));
}

function convWindow(ctx: SpecContext): WindowParams<IntExpr> {
  return {
    strides: ctx.ints('strides'),
    dilations: ctx.ints('dilations'),
    pads: ctx.ints('pads'),
    autoPad: ctx.str('auto_pad'),
    ceilMode: false,
  };
}

/** X (N x C x D1..Dn), W of the same rank, optional 1-D B: shared by Conv and ConvTranspose. */
export const CONV_INPUTS: OpSpec['inputs'] = [
  { name: 'X', rank: [3, 5] },
  { name: 'W', rank: (r) => r[0]! },
  { name: 'B', rank: () => 1, optional: true },
];

/** N-d convolution (1 to 3 spatial dims) with pads, strides, dilations, groups and auto_pad. */
export const conv: OpSpec = {
  name: 'Conv',
  sinceVersion: 11,
  dtypes: FLOATS,
  inputs: CONV_INPUTS,
  attrs: (ranks) => convAttrs(ranks[0]! - 2),
  requires: (ctx) => {
    const [x, w, b] = ctx.inputs;
    const group = ctx.int('group');
    const req: BoolExpr[] = [
      rule('group >= 1', ge(group, 1)),
      rule('X channels == W.shape[1] * group', eq(x!.shape[1]!, mul(w!.shape[1]!, group))),
      rule('W.shape[0] is a multiple of group', eq(mod(w!.shape[0]!, group), 0)),
    ];
    if (b) req.push(rule('B.shape == [W.shape[0]]', eq(b.shape[0]!, w!.shape[0]!)));
    req.push(...kernelShapeRules(ctx, w!.shape));
    req.push(...slidingWindowRules(x!.shape.slice(2), w!.shape.slice(2), convWindow(ctx)));
    return req;
  },
  outputs: (ctx) => {
    const [x, w] = ctx.inputs;
    const spatial = slidingWindowDims(x!.shape.slice(2), w!.shape.slice(2), convWindow(ctx));
    return [{ dtype: ctx.dtype, shape: [x!.shape[0]!, w!.shape[0]!, ...spatial] }];
  },
  numeric: facts(),
};

/** Conv-1 and 11 differ in wording only (11 states how auto_pad splits an odd padding). */
export const CONV_SPECS: readonly OpSpec[] = allVersions(conv, [1]);
