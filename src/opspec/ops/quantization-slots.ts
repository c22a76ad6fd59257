import { INTEGER_RANGES, type DType } from '../../ir/dtype.js';
import { c, constValue, eq, FALSE, rule, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import type { AttrSpec, DomainRule, InputSlot, SpecContext } from '../spec.js';

/**
 * What the quantization ops share: their scale and zero-point slots, the per-axis rules, and the
 * integer types they quantize to.
 */

/** The 8-bit types every quantization op takes (QuantizeLinear-21 and DequantizeLinear-21 add the 16-bit ones). */
export const QUANTIZED_8BIT: readonly DType[] = ['uint8', 'int8'];
export const QUANTIZED_16BIT: readonly DType[] = ['uint8', 'int8', 'uint16', 'int16'];

/**
 * The smallest scale generated: a scale near zero makes every quotient saturate and a dequantized
 * value vanish, and zero divides by zero. ONNX leaves the sign free; every quantizer makes it
 * positive.
 */
export const SCALE_MIN = 2 ** -6;

/** The domain rule that keeps the scale of input `input` positive and not tiny. */
export function scaleDomain(input: number): DomainRule {
  return { input, min: SCALE_MIN };
}

/**
 * Zero points drawn for each type: small against the type's range, because the search keeps the
 * quantized inputs within 16 of zero and a zero point far from them saturates everything. int32
 * (DequantizeLinear's accumulator input) has a zero point of 0 by definition.
 */
const DRAWN_ZERO_POINTS: Readonly<Partial<Record<DType, readonly [number, number]>>> = {
  uint8: [0, 32],
  int8: [-16, 16],
  uint16: [0, 64],
  int16: [-32, 32],
  int32: [0, 0],
};

/** The values a zero point of that type may hold: the whole type, but 0 for int32. */
export function zeroPointRange(dtype: DType): readonly [IntExpr, IntExpr] {
  const [lo, hi] = dtype === 'int32' ? [0, 0] : (INTEGER_RANGES[dtype] ?? [0, 0]);
  return [c(lo), c(hi)];
}


/** A float scale: a weight (an initializer) of the given ranks, fixed to `dtype` or else of type T. */
export function scaleSlot(name: string, options: { dtype?: DType; rank: readonly [number, number] }): InputSlot {
  return { name, ...(options.dtype ? { dtype: options.dtype } : {}), rank: options.rank, weight: true };
}

/**
 * A zero point: a constant within the type's range, drawn near zero (see DRAWN_ZERO_POINTS), of the rank of the scale slot `scaleIndex`. Without `types` it is of type T;
 * with them it takes one of them on its own, or with `dtypeOf` the named slot's.
 */
export function zeroPointSlot(
  name: string,
  index: number,
  options: { scaleIndex: number; types?: readonly DType[]; dtypeOf?: string; optional?: boolean; rank?: readonly [number, number] },
): InputSlot {
  return {
    name,
    ...(options.types ? { dtypes: options.types } : {}),
    ...(options.dtypeOf ? { dtypeOf: options.dtypeOf } : {}),
    rank: options.rank ?? ((ranks) => ranks[options.scaleIndex] ?? 0),
    ...(options.optional ? { optional: true } : {}),
    valueRange: (ctx) => zeroPointRange(ctx.inputs[index]!.dtype),
    // Near zero within the type (see DRAWN_ZERO_POINTS).
    drawValues: (ctx, shape, draw) => {
      const [lo, hi] = DRAWN_ZERO_POINTS[ctx.inputs[index]!.dtype] ?? [0, 0];
      return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => draw(lo, hi));
    },
  };
}

/** The 'axis' attribute of per-axis quantization, over the data's rank. */
export function axisAttr(rank: number): Record<string, AttrSpec> {
  return { axis: { kind: 'choice', choices: [...Array(2 * rank).keys()].map((i) => i - rank), default: 1 } };
}

/** The normalized quantization axis, or undefined when out of range. */
export function quantAxis(ctx: SpecContext, rank: number): number | undefined {
  const axis = constValue(ctx.int('axis'));
  if (axis === undefined || axis < -rank || axis >= rank) return undefined;
  return axis < 0 ? axis + rank : axis;
}

/**
 * A scale (and zero point) for data input `data`: a scalar, or with `perAxis` a 1-D tensor as long
 * as the data's 'axis' dim; the zero point's shape is the scale's.
 */
export function scaleRules(ctx: SpecContext, data: number, scale: number, zeroPoint: number | undefined, perAxis: boolean): BoolExpr[] {
  const x = ctx.inputs[data]!;
  const s = ctx.inputs[scale]!;
  const zp = zeroPoint === undefined ? undefined : ctx.inputs[zeroPoint];
  const rules: BoolExpr[] = [];
  if (s.shape.length === 1) {
    if (!perAxis) return [rule('the scale is a scalar', FALSE)];
    const axis = quantAxis(ctx, x.shape.length);
    if (axis === undefined) return [rule(`axis in [${-x.shape.length}, ${x.shape.length - 1}]`, FALSE)];
    rules.push(rule('the scale has one element per index of the axis', eq(s.shape[0]!, x.shape[axis]!)));
  }
  if (zp) rules.push(zp.shape.length === s.shape.length ? TRUE : rule('the zero point has the shape of the scale', FALSE));
  if (zp && zp.shape.length === 1) rules.push(rule('the zero point has the shape of the scale', eq(zp.shape[0]!, s.shape[0]!)));
  return rules;
}

/** A rule that slot `a`'s type is slot `b`'s (QLinearMatMul's b_zero_point and b). */
export function sameTypeRule(ctx: SpecContext, a: number, b: number, what: string): BoolExpr[] {
  const [x, y] = [ctx.inputs[a], ctx.inputs[b]];
  if (!x || !y) return [];
  return [rule(what, x.dtype === y.dtype ? TRUE : FALSE)];
}

/**
 * Scalar-like scales and zero points (the given input positions): rank 0, or rank 1 of one element,
 * as ONNX's own tests write them. Per-row and per-channel ones of the integer ops are left out.
 */
export function oneElementRules(ctx: SpecContext, positions: readonly number[]): BoolExpr[] {
  return positions.flatMap((i) => {
    const t = ctx.inputs[i];
    const slot = t && t.shape.length === 1 ? t.shape[0]! : undefined;
    return slot === undefined ? [] : [rule(`input ${i} holds one element`, eq(slot, 1))];
  });
}
