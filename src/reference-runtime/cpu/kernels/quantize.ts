import type { Tensor } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';
import { dynamicReals, perAxisIndex, quantizeReals, requantized } from './requantize.js';

/** QuantizeLinear: saturate(round_half_to_even(x / y_scale) + y_zero_point), per tensor or per axis. */
export const quantizeLinearKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const out = outputs[0]!;
  return [result(out, requantized(quantizeReals(inputs, attrs, out.dtype)))];
};

/** DequantizeLinear: (x - x_zero_point) * x_scale, per tensor or per axis; exact in float64. */
export const dequantizeLinearKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, scale, zeroPoint] = inputs as readonly [Tensor, Tensor, Tensor | undefined];
  const at = perAxisIndex(x, scale, attrs);
  const data = Float64Array.from(x.data, (v, i) => {
    const k = at(i);
    return (v - (zeroPoint ? zeroPoint.data[k]! : 0)) * scale.data[k]!;
  });
  return [result(outputs[0]!, data)];
};

/** DynamicQuantizeLinear: y, y_scale and y_zero_point from x's range widened to hold 0 (uint8). */
export const dynamicQuantizeLinearKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const q = dynamicReals(x);
  const all = requantized(q);
  const [y, scale, zeroPoint] = outputs as readonly [(typeof outputs)[number], (typeof outputs)[number], (typeof outputs)[number]];
  // A zero scale (x all zeros) divides by zero: NaN, which result() reports as an integer fault.
  const zp = Number.isFinite(q.scale) && q.scale > 0 ? q.zeroPoint : NaN;
  return [result(y, all.subarray(0, x.data.length).slice()), result(scale, Float64Array.of(q.scale)), result(zeroPoint, Float64Array.of(zp))];
};

export const quantizeKernels: Readonly<Record<string, Kernel>> = {
  QuantizeLinear: quantizeLinearKernel,
  DequantizeLinear: dequantizeLinearKernel,
  DynamicQuantizeLinear: dynamicQuantizeLinearKernel,
};
