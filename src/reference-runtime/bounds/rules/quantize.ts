import { perAxisIndex } from '../../cpu/kernels/requantize.js';
import { largest, ownRounding, unitRoundoff, type BoundRule } from '../bound-rule.js';
import { exact } from '../combinators.js';

/**
 * DequantizeLinear, (x - zero_point) * scale: exact integers times the scale, rounded once into the
 * output type; a scale that carries an error (the generator makes scales weights, which carry none)
 * passes it on times |x - zero_point|.
 */
const dequantize: BoundRule = (args) => {
  const [x, scale, zeroPoint] = args.inputs;
  const y = args.outputs[0]!;
  const own = ownRounding(y, 1, unitRoundoff(y.dtype));
  const carried = args.inputBounds[1];
  if (!carried) return [own];
  const at = perAxisIndex(x!, scale!, args.attrs);
  return [Float64Array.from(own, (b, i) => b + Math.abs(x!.data[i]! - (zeroPoint?.data[at(i)] ?? 0)) * carried[at(i)]!)];
};

/**
 * DynamicQuantizeLinear's y_scale, (max - min) / 255, rounds twice, and moves by twice x's largest
 * error over 255; y and y_zero_point are integers (a flip near a tie is the stability checks' and
 * the rounding probe's matter).
 */
const dynamicQuantize: BoundRule = (args) => {
  const scale = args.outputs[1]!;
  const own = ownRounding(scale, 2, unitRoundoff(scale.dtype));
  const carried = args.inputBounds[0];
  return [undefined, carried ? Float64Array.from(own, (b) => b + (2 * largest(carried)) / 255) : own, undefined];
};

export const QUANTIZE_RULES: Readonly<Record<string, BoundRule>> = {
  // Integer results: saturated roundings and exact integer sums.
  QuantizeLinear: exact,
  QLinearConv: exact,
  QLinearMatMul: exact,
  ConvInteger: exact,
  MatMulInteger: exact,
  DequantizeLinear: dequantize,
  DynamicQuantizeLinear: dynamicQuantize,
};
