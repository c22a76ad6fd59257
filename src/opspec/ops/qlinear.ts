import { eq, ge, mod, mul, or, rule, type BoolExpr, type IntExpr } from '../expr.js';
import { facts, type NumericFacts } from '../numeric.js';
import type { InputSlot, OpSpec, SpecContext } from '../spec.js';
import { convAttrs, kernelShapeRules } from './conv.js';
import { matmulShapes } from './matmul.js';
import { oneElementRules, QUANTIZED_8BIT, sameTypeRule, scaleDomain, scaleSlot, zeroPointSlot } from './quantization-slots.js';
import { slidingWindowDims, slidingWindowRules, type WindowParams } from './sliding-window.js';

/**
 * The integer-arithmetic ops: ConvInteger and MatMulInteger (int32 sums of zero-point-shifted 8-bit
 * products), QLinearConv and QLinearMatMul (the same sums requantized: saturate(round(sum *
 * in_scale * w_scale / out_scale) + out_zero_point)). Zero points are scalars (and w_scale of
 * QLinearConv per output channel at most): onnxruntime takes no other, and per-row a scales of
 * QLinearMatMul are left out likewise.
 */

/** Scalars, or 1-D tensors of one element (see oneElementRules). */
const SCALAR: readonly [number, number] = [0, 1];

function convWindow(ctx: SpecContext): WindowParams<IntExpr> {
  return { strides: ctx.ints('strides'), dilations: ctx.ints('dilations'), pads: ctx.ints('pads'), autoPad: ctx.str('auto_pad'), ceilMode: false };
}

/** Conv's rules for X at `x` and W at `w` (grouped, with an optional int32 bias at `b`). */
function convRules(ctx: SpecContext, x: number, w: number, b?: number): BoolExpr[] {
  const [xs, ws] = [ctx.inputs[x]!.shape, ctx.inputs[w]!.shape];
  const group = ctx.int('group');
  const req: BoolExpr[] = [
    rule('group >= 1', ge(group, 1)),
    rule('X channels == W.shape[1] * group', eq(xs[1]!, mul(ws[1]!, group))),
    rule('W.shape[0] is a multiple of group', eq(mod(ws[0]!, group), 0)),
  ];
  const bias = b === undefined ? undefined : ctx.inputs[b];
  if (bias) req.push(rule('B.shape == [W.shape[0]]', eq(bias.shape[0]!, ws[0]!)));
  req.push(...kernelShapeRules(ctx, ws));
  req.push(...slidingWindowRules(xs.slice(2), ws.slice(2), convWindow(ctx)));
  return req;
}

function convShape(ctx: SpecContext, x: number, w: number) {
  const [xs, ws] = [ctx.inputs[x]!.shape, ctx.inputs[w]!.shape];
  return [xs[0]!, ws[0]!, ...slidingWindowDims(xs.slice(2), ws.slice(2), convWindow(ctx))];
}

/** A scalar zero point whose type is another slot's. */
function tiedZeroPoint(name: string, index: number, of: string, optional = false): InputSlot {
  return zeroPointSlot(name, index, { scaleIndex: -1, types: QUANTIZED_8BIT, dtypeOf: of, optional, rank: SCALAR });
}

/** A scalar zero point of its own type (the output's). */
function ownZeroPoint(name: string, index: number): InputSlot {
  return zeroPointSlot(name, index, { scaleIndex: -1, types: QUANTIZED_8BIT, rank: SCALAR });
}


// Exact int32 sums of 8-bit products: int32 holds any sum of up to 33,000 of them (255 * 255 each),
// more than any tensor within the generator's element cap sums. An imported model could sum more;
// the reference checks every result all the same.
const integerFacts: NumericFacts = facts({ overflow: 'never' });

const requantizeFacts = (of: 'conv' | 'matmul'): NumericFacts =>
  facts({ exactness: { kind: 'steps' }, discontinuity: { kind: 'requantize', of }, overflow: 'never' });

/**
 * QLinearConv-10: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
 * w_scale is a scalar or one per output channel; B is int32, quantized with x_scale * w_scale.
 */
export const qlinearConv: OpSpec = {
  name: 'QLinearConv',
  sinceVersion: 10,
  dtypes: QUANTIZED_8BIT,
  inputs: [
    { name: 'x', rank: [3, 5] },
    scaleSlot('x_scale', { dtype: 'float32', rank: SCALAR }),
    zeroPointSlot('x_zero_point', 2, { scaleIndex: 1 }),
    { name: 'w', dtypes: QUANTIZED_8BIT, rank: (r) => r[0]!, weight: true },
    scaleSlot('w_scale', { dtype: 'float32', rank: [0, 1] }),
    tiedZeroPoint('w_zero_point', 5, 'w'),
    scaleSlot('y_scale', { dtype: 'float32', rank: SCALAR }),
    ownZeroPoint('y_zero_point', 7),
    { name: 'B', dtype: 'int32', rank: () => 1, optional: true, weight: true },
  ],
  attrs: (ranks) => convAttrs(ranks[0]! - 2),
  requires: (ctx) => {
    const w = ctx.inputs[3]!;
    const wScale = ctx.inputs[4]!;
    const req = [...convRules(ctx, 0, 3, 8), ...sameTypeRule(ctx, 5, 3, 'w_zero_point has the type of w'), ...oneElementRules(ctx, [1, 2, 5, 6, 7])];
    if (wScale.shape.length === 1) req.push(rule('w_scale has one element or one per output channel', or(eq(wScale.shape[0]!, w.shape[0]!), eq(wScale.shape[0]!, 1))));
    return req;
  },
  outputs: (ctx) => [{ dtype: ctx.inputs[7]!.dtype, shape: convShape(ctx, 0, 3) }],
  domain: [scaleDomain(1), scaleDomain(4), scaleDomain(6)],
  numeric: requantizeFacts('conv'),
};

function qlinearMatMul(sinceVersion: number, supersededAt?: number): OpSpec {
  return {
    name: 'QLinearMatMul',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: QUANTIZED_8BIT,
    inputs: [
      { name: 'a', rank: [1, 4] },
      scaleSlot('a_scale', { dtype: 'float32', rank: SCALAR }),
      zeroPointSlot('a_zero_point', 2, { scaleIndex: 1 }),
      { name: 'b', dtypes: QUANTIZED_8BIT, rank: [1, 4] },
      scaleSlot('b_scale', { dtype: 'float32', rank: SCALAR }),
      tiedZeroPoint('b_zero_point', 5, 'b'),
      scaleSlot('y_scale', { dtype: 'float32', rank: SCALAR }),
      ownZeroPoint('y_zero_point', 7),
    ],
    requires: (ctx) => [
      ...matmulShapes(ctx.inputs[0]!.shape, ctx.inputs[3]!.shape).requires,
      ...sameTypeRule(ctx, 5, 3, 'b_zero_point has the type of b'),
      ...oneElementRules(ctx, [1, 2, 4, 5, 6, 7]),
    ],
    outputs: (ctx) => [{ dtype: ctx.inputs[7]!.dtype, shape: matmulShapes(ctx.inputs[0]!.shape, ctx.inputs[3]!.shape).shape }],
    domain: [scaleDomain(1), scaleDomain(4), scaleDomain(6)],
    numeric: requantizeFacts('matmul'),
  };
}

/** QLinearMatMul-10: 8-bit a, b and y with float32 scales. */
export const qlinearMatMul10 = qlinearMatMul(10, 21);
/** QLinearMatMul-21 adds float8 types and float16/bfloat16 scales: for float32 scales the same op. */
export const qlinearMatMul21 = qlinearMatMul(21);

/** MatMulInteger-10: (A - a_zero_point) x (B - b_zero_point) in int32. */
export const matMulInteger: OpSpec = {
  name: 'MatMulInteger',
  sinceVersion: 10,
  dtypes: QUANTIZED_8BIT,
  inputs: [
    { name: 'A', rank: [1, 4] },
    { name: 'B', dtypes: QUANTIZED_8BIT, rank: [1, 4] },
    zeroPointSlot('a_zero_point', 2, { scaleIndex: -1, rank: SCALAR, optional: true }),
    tiedZeroPoint('b_zero_point', 3, 'B', true),
  ],
  requires: (ctx) => [
    ...matmulShapes(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape).requires,
    ...sameTypeRule(ctx, 3, 1, 'b_zero_point has the type of B'),
    ...oneElementRules(ctx, [2, 3]),
  ],
  outputs: (ctx) => [{ dtype: 'int32', shape: matmulShapes(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape).shape }],
  numeric: integerFacts,
};

/** ConvInteger-10: Conv of (x - x_zero_point) and (w - w_zero_point) in int32. */
export const convInteger: OpSpec = {
  name: 'ConvInteger',
  sinceVersion: 10,
  dtypes: QUANTIZED_8BIT,
  inputs: [
    { name: 'x', rank: [3, 5] },
    { name: 'w', dtypes: QUANTIZED_8BIT, rank: (r) => r[0]!, weight: true },
    zeroPointSlot('x_zero_point', 2, { scaleIndex: -1, rank: SCALAR, optional: true }),
    tiedZeroPoint('w_zero_point', 3, 'w', true),
  ],
  attrs: (ranks) => convAttrs(ranks[0]! - 2),
  requires: (ctx) => [...convRules(ctx, 0, 1), ...sameTypeRule(ctx, 3, 1, 'w_zero_point has the type of w'), ...oneElementRules(ctx, [2, 3])],
  outputs: (ctx) => [{ dtype: 'int32', shape: convShape(ctx, 0, 1) }],
  numeric: integerFacts,
};
