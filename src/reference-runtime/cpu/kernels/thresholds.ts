import { isFloatDType } from '../../../ir/dtype.js';
import { result, type Kernel } from '../kernel.js';

/** ThresholdedRelu: x where x > alpha, else 0. */
export const thresholdedReluKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const alpha = attrs.float('alpha');
  return [result(outputs[0]!, Float64Array.from(inputs[0]!.data, (x) => (x > alpha ? x : 0)))];
};

/**
 * Shrink: x + bias below -lambd, x - bias above lambd, 0 between. For an integer input the float
 * result is truncated back (result() does), as ONNX's reference casts it.
 */
export const shrinkKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const bias = attrs.float('bias');
  const lambd = attrs.float('lambd');
  const x = inputs[0]!;
  const data = Float64Array.from(x.data, (v) => (v < -lambd ? v + bias : v > lambd ? v - bias : 0));
  if (!isFloatDType(x.dtype)) for (let i = 0; i < data.length; i++) data[i] = Math.trunc(data[i]!);
  return [result(outputs[0]!, data)];
};
