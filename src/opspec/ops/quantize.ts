import type { DType } from '../../ir/dtype.js';
import { constValue, rule, FALSE, type BoolExpr } from '../expr.js';
import { facts } from '../numeric.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import {
  axisAttr,
  QUANTIZED_16BIT,
  QUANTIZED_8BIT,
  scaleDomain,
  scaleRules,
  scaleSlot,
  zeroPointSlot,
} from './quantization-slots.js';

/**
 * QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear. Versions: 10 (per-tensor), 13 (per-axis
 * 'axis'), 19 (float16 data and scales, float8 types and 'saturate'), 21 (int16/uint16, int4,
 * blocked quantization, 'output_dtype'). Blocked quantization, float8 and int4 are left out (no
 * dtype for them; a block_size of 0 is per-tensor or per-axis).
 */

/** The attributes of a version: 'axis' from 13, 'saturate' from 19 (float8 only), 'block_size' from 21. */
function quantAttrs(sinceVersion: number, rank: number, quantize: boolean): Record<string, AttrSpec> {
  if (sinceVersion < 13) return {};
  const attrs: Record<string, AttrSpec> = axisAttr(rank);
  if (quantize && sinceVersion >= 19) attrs.saturate = { kind: 'choice', choices: [1], default: 1 };
  if (sinceVersion >= 21) attrs.block_size = { kind: 'choice', choices: [0], default: 0 };
  return attrs;
}

/** A block_size other than 0 asks for blocked quantization, which no spec here generates. */
function blockRule(ctx: SpecContext): BoolExpr[] {
  if (!ctx.has('block_size')) return [];
  return constValue(ctx.int('block_size')) === 0 ? [] : [rule('block_size is 0 (blocked quantization is not supported)', FALSE)];
}

/** The output type: the zero point's, or uint8 without one. */
function quantizedType(ctx: SpecContext): DType {
  return ctx.inputs[2]?.dtype ?? 'uint8';
}

const quantizeFacts = facts({
  // y = saturate(round(x / scale) + zero_point): an integer picked by where x / scale lies.
  exactness: { kind: 'steps' },
  discontinuity: { kind: 'requantize', of: 'quotient' },
  // Saturates: never leaves the output type.
  overflow: 'never',
});

function quantizeLinear(sinceVersion: number, supersededAt?: number): OpSpec {
  const perAxis = sinceVersion >= 13;
  // 10 and 13: x is float or int32 and the scale float32; from 19 the scale has x's type (int32
  // there would mean an int32 scale, which is left out).
  const dtypes: readonly DType[] = sinceVersion >= 19 ? ['float32', 'float16'] : ['float32', 'int32'];
  return {
    name: 'QuantizeLinear',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes,
    outputDtypes: sinceVersion >= 21 ? QUANTIZED_16BIT : QUANTIZED_8BIT,
    inputs: [
      { name: 'x', rank: [1, 5] },
      scaleSlot('y_scale', { ...(sinceVersion < 19 ? { dtype: 'float32' as const } : {}), rank: perAxis ? [0, 1] : [0, 0] }),
      zeroPointSlot('y_zero_point', 2, { scaleIndex: 1, types: sinceVersion >= 21 ? QUANTIZED_16BIT : QUANTIZED_8BIT, optional: true }),
    ],
    attrs: (ranks) => quantAttrs(sinceVersion, ranks[0]!, true),
    requires: (ctx) => [...scaleRules(ctx, 0, 1, 2, perAxis), ...blockRule(ctx)],
    outputs: (ctx) => [{ dtype: quantizedType(ctx), shape: ctx.inputs[0]!.shape }],
    domain: [scaleDomain(1)],
    numeric: quantizeFacts,
  };
}

export const quantizeLinear10 = quantizeLinear(10, 13);
export const quantizeLinear13 = quantizeLinear(13, 19);
export const quantizeLinear19 = quantizeLinear(19, 21);
export const quantizeLinear21 = quantizeLinear(21);

function dequantizeLinear(sinceVersion: number, supersededAt?: number): OpSpec {
  const perAxis = sinceVersion >= 13;
  const dtypes: readonly DType[] = sinceVersion >= 21 ? [...QUANTIZED_16BIT, 'int32'] : [...QUANTIZED_8BIT, 'int32'];
  return {
    name: 'DequantizeLinear',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes,
    inputs: [
      { name: 'x', rank: [1, 5] },
      // 10 and 13: float32; from 19 the scale's type (float, float16, bfloat16) is the output's.
      sinceVersion >= 19 ? { ...scaleSlot('x_scale', { rank: [0, 1] }), dtypes: ['float32', 'float16'] } : scaleSlot('x_scale', { dtype: 'float32', rank: perAxis ? [0, 1] : [0, 0] }),
      zeroPointSlot('x_zero_point', 2, { scaleIndex: 1, optional: true }),
    ],
    attrs: (ranks) => quantAttrs(sinceVersion, ranks[0]!, false),
    requires: (ctx) => [...scaleRules(ctx, 0, 1, 2, perAxis), ...blockRule(ctx)],
    outputs: (ctx) => [{ dtype: ctx.inputs[1]!.dtype, shape: ctx.inputs[0]!.shape }],
    domain: [scaleDomain(1)],
    // (x - zero_point) * scale: one rounding of exact integers times the scale.
    numeric: facts(),
  };
}

export const dequantizeLinear10 = dequantizeLinear(10, 13);
export const dequantizeLinear13 = dequantizeLinear(13, 19);
export const dequantizeLinear19 = dequantizeLinear(19, 21);
export const dequantizeLinear21 = dequantizeLinear(21);

/**
 * DynamicQuantizeLinear-11: uint8 quantization with the scale and zero point computed from x's
 * range widened to hold 0: scale = (max(0, max x) - min(0, min x)) / 255, zero point =
 * saturate(round(-min(0, min x) / scale)). Outputs y, y_scale, y_zero_point.
 */
export const dynamicQuantizeLinear: OpSpec = {
  name: 'DynamicQuantizeLinear',
  sinceVersion: 11,
  outputCount: [3, 3],
  dtypes: ['float32'],
  outputDtypes: ['uint8'],
  inputs: [{ name: 'x', rank: [1, 5] }],
  outputs: (ctx) => [
    { dtype: 'uint8', shape: ctx.inputs[0]!.shape },
    { dtype: 'float32', shape: [] },
    { dtype: 'uint8', shape: [] },
  ],
  numeric: facts({
    // The scale output is computed and rounded; y and the zero point are integers picked by where
    // x / scale and -min / scale lie.
    discontinuity: { kind: 'requantize', of: 'dynamic' },
    overflow: 'never',
  }),
};
