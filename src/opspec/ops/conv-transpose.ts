import { add, constValue, eq, FALSE, ge, lt, mod, mul, rule, sub, type BoolExpr, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { convAttrs, kernelShapeRules, CONV_INPUTS } from './conv.js';
import { FLOATS } from './dtypes.js';
import { facts } from '../numeric.js';
import { allVersions } from './versions.js';

/** The full (unpadded) output size of spatial dim i: stride * (in - 1) + output_padding + effective kernel. */
function fullSize(ctx: SpecContext, i: number): IntExpr {
  const [x, w] = ctx.inputs;
  const stride = ctx.ints('strides')[i]!;
  const effK = add(mul(ctx.ints('dilations')[i]!, sub(w!.shape[i + 2]!, 1)), 1);
  return add(add(mul(stride, sub(x!.shape[i + 2]!, 1)), ctx.ints('output_padding')[i]!), effK);
}

/** Output spatial dims: output_shape when given, in * stride for SAME_*, else the full size less the pads. */
function transposedDims(ctx: SpecContext): IntExpr[] {
  const x = ctx.inputs[0]!;
  const s = x.shape.length - 2;
  const autoPad = ctx.str('auto_pad');
  return [...Array(s).keys()].map((i) => {
    if (ctx.has('output_shape')) return ctx.ints('output_shape')[i]!;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return mul(x.shape[i + 2]!, ctx.ints('strides')[i]!);
    if (autoPad === 'VALID') return fullSize(ctx, i);
    const pads = ctx.ints('pads');
    return sub(sub(fullSize(ctx, i), pads[i]!), pads[i + s]!);
  });
}

/**
 * The begin pad of each spatial dim when the output size is imposed (output_shape or SAME_*): ONNX
 * splits total = full size - output size in two, the odd unit at the end for SAME_UPPER and at the
 * beginning otherwise. total may be negative (an output larger than the full size), with floor halves.
 */
export function transposedBeginPads(full: readonly number[], outDims: readonly number[], autoPad: string): number[] {
  return full.map((f, i) => {
    const total = f - outDims[i]!;
    const half = Math.floor(total / 2);
    return autoPad === 'SAME_UPPER' ? half : total - half;
  });
}

/** ConvTranspose-11 (1 to 3 spatial dims): the gradient of Conv with respect to its input. */
export const convTranspose: OpSpec = {
  name: 'ConvTranspose',
  sinceVersion: 11,
  dtypes: FLOATS,
  inputs: CONV_INPUTS,
  attrs: (ranks) => {
    const s = ranks[0]! - 2;
    return {
      ...convAttrs(s),
      output_padding: { kind: 'ints', length: s, domain: [0, 2], default: new Array<number>(s).fill(0) },
      output_shape: { kind: 'ints', length: s, domain: [1, 16], optional: true },
    };
  },
  requires: (ctx) => {
    const [x, w, b] = ctx.inputs;
    const s = x!.shape.length - 2;
    const group = ctx.int('group');
    const lists = ['strides', 'dilations', 'output_padding', ...(ctx.has('output_shape') ? ['output_shape'] : [])];
    const lengths = lists.every((n) => ctx.ints(n).length === s) && ctx.ints('pads').length === 2 * s;
    // Later rules index these lists; an imported node with the wrong lengths stops here.
    if (!lengths) return [rule(`${lists.join(', ')} have ${s} values and pads ${2 * s}`, FALSE)];
    const req: BoolExpr[] = [
      rule('group >= 1', ge(group, 1)),
      rule('X channels == W.shape[0]', eq(x!.shape[1]!, w!.shape[0]!)),
      rule('W.shape[0] is a multiple of group', eq(mod(w!.shape[0]!, group), 0)),
    ];
    if (b) req.push(rule('B.shape == [W.shape[1] * group]', eq(b.shape[0]!, mul(w!.shape[1]!, group))));
    req.push(...kernelShapeRules(ctx, w!.shape));
    for (const st of ctx.ints('strides')) req.push(rule('strides >= 1', ge(st, 1)));
    for (const d of ctx.ints('dilations')) req.push(rule('dilations >= 1', ge(d, 1)));
    for (const p of ctx.ints('pads')) req.push(rule('pads >= 0', ge(p, 0)));
    ctx.ints('output_padding').forEach((op, i) => {
      req.push(rule('output_padding >= 0', ge(op, 0)), rule(`output_padding[${i}] < strides[${i}]`, lt(op, ctx.ints('strides')[i]!)));
    });
    transposedDims(ctx).forEach((d, i) => req.push(rule(`output dim ${i + 2} >= 1`, ge(d, 1))));
    if (ctx.has('output_shape')) {
      const outShape = ctx.ints('output_shape');
      for (let i = 0; i < s; i++) {
        // Generated nodes keep output_shape within the full size: ONNX leaves a larger one loosely
        // specified and onnxruntime rejects most of them. Imported nodes (concrete) may exceed it.
        if (constValue(outShape[i]!) === undefined) req.push(rule(`output_shape[${i}] <= full size`, ge(fullSize(ctx, i), outShape[i]!)));
      }
    }
    return req;
  },
  outputs: (ctx) => {
    const [x, w] = ctx.inputs;
    const channels = mul(w!.shape[1]!, ctx.int('group'));
    return [{ dtype: ctx.dtype, shape: [x!.shape[0]!, channels, ...transposedDims(ctx)] }];
  },
  numeric: facts(),
};

/** ConvTranspose-1 and 11 differ in wording only. */
export const CONV_TRANSPOSE_SPECS: readonly OpSpec[] = allVersions(convTranspose, [1]);
