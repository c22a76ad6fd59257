import { add, eq, floordiv, ge, mod, mul, rule, sub, type BoolExpr, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { FLOATS } from './dtypes.js';

/** N-d convolution (1 to 3 spatial dims) with pads, strides, dilations, groups and auto_pad. */
export const conv: OpSpec = {
  name: 'Conv',
  sinceVersion: 11,
  dtypes: FLOATS,
  inputs: [
    { name: 'X', rank: [3, 5] },
    { name: 'W', rank: (r) => r[0]! },
    { name: 'B', rank: () => 1, optional: true },
  ],
  attrs: (ranks) => {
    const s = ranks[0]! - 2;
    return {
      group: { kind: 'int', domain: [1, 4], default: 1 },
      strides: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) },
      dilations: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) },
      pads: { kind: 'ints', length: 2 * s, domain: [0, 3], default: new Array<number>(2 * s).fill(0) },
      kernel_shape: { kind: 'ints', length: s, domain: [1, 7], optional: true },
      auto_pad: { kind: 'string', choices: ['NOTSET'], accept: ['SAME_UPPER', 'SAME_LOWER', 'VALID'], default: 'NOTSET' },
    };
  },
  requires: (ctx) => {
    const [x, w, b] = ctx.inputs;
    const s = x!.shape.length - 2;
    const group = ctx.int('group');
    const req: BoolExpr[] = [
      rule('group >= 1', ge(group, 1)),
      rule('X channels == W.shape[1] * group', eq(x!.shape[1]!, mul(w!.shape[1]!, group))),
      rule('W.shape[0] is a multiple of group', eq(mod(w!.shape[0]!, group), 0)),
    ];
    if (b) req.push(rule('B.shape == [W.shape[0]]', eq(b.shape[0]!, w!.shape[0]!)));
    if (ctx.has('kernel_shape')) {
      const ks = ctx.ints('kernel_shape');
      for (let i = 0; i < s; i++) req.push(rule(`kernel_shape[${i}] == W.shape[${i + 2}]`, eq(ks[i]!, w!.shape[i + 2]!)));
    }
    const geo = convGeometry(ctx);
    for (let i = 0; i < s; i++) req.push(rule(`output dim ${i + 2} >= 1`, ge(geo[i]!, 1)));
    for (const st of ctx.ints('strides')) req.push(rule('strides >= 1', ge(st, 1)));
    for (const d of ctx.ints('dilations')) req.push(rule('dilations >= 1', ge(d, 1)));
    for (const p of ctx.ints('pads')) req.push(rule('pads >= 0', ge(p, 0)));
    return req;
  },
  outputs: (ctx) => {
    const [x, w] = ctx.inputs;
    return [{ dtype: ctx.dtype, shape: [x!.shape[0]!, w!.shape[0]!, ...convGeometry(ctx)] }];
  },
};

/** Output spatial dims. */
function convGeometry(ctx: SpecContext): IntExpr[] {
  const [x, w] = ctx.inputs;
  const s = x!.shape.length - 2;
  const strides = ctx.ints('strides');
  const dilations = ctx.ints('dilations');
  const pads = ctx.ints('pads');
  const autoPad = ctx.str('auto_pad');
  const out: IntExpr[] = [];
  for (let i = 0; i < s; i++) {
    const inDim = x!.shape[i + 2]!;
    const k = w!.shape[i + 2]!;
    const effK = add(mul(dilations[i]!, sub(k, 1)), 1);
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      // ceil(in / stride)
      out.push(floordiv(add(inDim, sub(strides[i]!, 1)), strides[i]!));
    } else if (autoPad === 'VALID') {
      out.push(add(floordiv(sub(inDim, effK), strides[i]!), 1));
    } else {
      const padded = add(add(inDim, pads[i]!), pads[i + s]!);
      out.push(add(floordiv(sub(padded, effK), strides[i]!), 1));
    }
  }
  return out;
}

/** Explicit begin/end pads, resolving auto_pad against concrete dims (kernels need numbers). */
export function resolveConvPads(
  inDims: readonly number[],
  kernel: readonly number[],
  attrs: { strides: readonly number[]; dilations: readonly number[]; pads: readonly number[]; autoPad: string },
): number[] {
  const s = inDims.length;
  if (attrs.autoPad !== 'SAME_UPPER' && attrs.autoPad !== 'SAME_LOWER') {
    return attrs.autoPad === 'VALID' ? new Array<number>(2 * s).fill(0) : [...attrs.pads];
  }
  const pads = new Array<number>(2 * s).fill(0);
  for (let i = 0; i < s; i++) {
    const outDim = Math.ceil(inDims[i]! / attrs.strides[i]!);
    const effK = attrs.dilations[i]! * (kernel[i]! - 1) + 1;
    const total = Math.max(0, (outDim - 1) * attrs.strides[i]! + effK - inDims[i]!);
    const small = Math.floor(total / 2);
    pads[i] = attrs.autoPad === 'SAME_UPPER' ? small : total - small;
    pads[i + s] = total - pads[i]!;
  }
  return pads;
}

