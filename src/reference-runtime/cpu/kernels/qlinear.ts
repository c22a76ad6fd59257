import type { Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs, ConcreteType } from '../../../opspec/infer.js';
import { result, type Kernel } from '../kernel.js';
import { convKernel } from './conv.js';
import { matmulKernel } from './matmul.js';
import { multipliers, quantizedRange, REQUANTIZE_PRECISION, requantized, type Requantization } from './requantize.js';

/** x - zero_point as float64 (exact): the operand the integer ops multiply. */
function shifted(x: Tensor, zeroPoint: Tensor | undefined): Tensor {
  const zp = zeroPoint ? zeroPoint.data[0]! : 0;
  return { dtype: 'float64', shape: x.shape, data: Float64Array.from(x.data, (v) => v - zp) };
}

const asFloat64 = (t: ConcreteType): ConcreteType => ({ dtype: 'float64', shape: t.shape });

/** The exact integer sums of a Conv of shifted operands (plus an int32 bias): float64 holds them exactly. */
function convSums(x: Tensor, xZero: Tensor | undefined, w: Tensor, wZero: Tensor | undefined, bias: Tensor | undefined, attrs: ConcreteAttrs, out: ConcreteType): Float64Array {
  return convKernel({ inputs: [shifted(x, xZero), shifted(w, wZero), bias], attrs, outputs: [asFloat64(out)] })[0]!.data;
}

function matmulSums(a: Tensor, aZero: Tensor | undefined, b: Tensor, bZero: Tensor | undefined, attrs: ConcreteAttrs, out: ConcreteType): Float64Array {
  return matmulKernel({ inputs: [shifted(a, aZero), shifted(b, bZero)], attrs, outputs: [asFloat64(out)] })[0]!.data;
}

/** ConvInteger: Conv of (x - x_zero_point) and (w - w_zero_point), exact in int32. */
export const convIntegerKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, w, xZero, wZero] = inputs;
  return [result(outputs[0]!, convSums(x!, xZero, w!, wZero, undefined, attrs, outputs[0]!))];
};

/** MatMulInteger: (A - a_zero_point) x (B - b_zero_point), exact in int32. */
export const matMulIntegerKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [a, b, aZero, bZero] = inputs;
  return [result(outputs[0]!, matmulSums(a!, aZero, b!, bZero, attrs, outputs[0]!))];
};

/**
 * QLinearConv's requantization: each exact sum times its output channel's multiplier x_scale *
 * w_scale / y_scale (float32), to be rounded half to even, plus y_zero_point.
 */
export function qlinearConvReals(inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs, out: ConcreteType): Requantization {
  const [x, xScale, xZero, w, wScale, wZero, yScale, yZero, bias] = inputs;
  const sums = convSums(x!, xZero, w!, wZero, bias, attrs, out);
  const m = multipliers(xScale!.data[0]!, wScale!.data, yScale!.data[0]!);
  const [batchAndChannels, cOut] = [sums.length, out.shape[1]!];
  const spatial = batchAndChannels / (out.shape[0]! * cOut);
  const reals = Float64Array.from(sums, (s, i) => s * m[m.length === 1 ? 0 : Math.floor(i / spatial) % cOut]!);
  return { reals, zeroPoints: new Float64Array(sums.length).fill(yZero!.data[0]!), range: quantizedRange(out.dtype), precision: REQUANTIZE_PRECISION };
}

/** QLinearMatMul's requantization: each exact sum times a_scale * b_scale / y_scale, plus y_zero_point. */
export function qlinearMatMulReals(inputs: readonly (Tensor | undefined)[], attrs: ConcreteAttrs, out: ConcreteType): Requantization {
  const [a, aScale, aZero, b, bScale, bZero, yScale, yZero] = inputs;
  const sums = matmulSums(a!, aZero, b!, bZero, attrs, out);
  const m = multipliers(aScale!.data[0]!, bScale!.data, yScale!.data[0]!)[0]!;
  const reals = Float64Array.from(sums, (s) => s * m);
  return { reals, zeroPoints: new Float64Array(sums.length).fill(yZero!.data[0]!), range: quantizedRange(out.dtype), precision: REQUANTIZE_PRECISION };
}

export const qlinearKernels: Readonly<Record<string, Kernel>> = {
  ConvInteger: convIntegerKernel,
  MatMulInteger: matMulIntegerKernel,
  QLinearConv: ({ inputs, attrs, outputs }) => [result(outputs[0]!, requantized(qlinearConvReals(inputs, attrs, outputs[0]!)))],
  QLinearMatMul: ({ inputs, attrs, outputs }) => [result(outputs[0]!, requantized(qlinearMatMulReals(inputs, attrs, outputs[0]!)))],
};
