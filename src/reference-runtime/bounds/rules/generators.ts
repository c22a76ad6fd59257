import { isFloatDType } from '../../../ir/dtype.js';
import { unitRoundoff, type BoundRule } from '../bound-rule.js';
import { copies, exact, smoothUnary } from '../combinators.js';
import { ELEMENTWISE_RULES } from './elementwise.js';

/**
 * Range: onnxruntime accumulates (each element is the previous one plus delta, rounded), so element
 * i may be off by a rounding of every element before it; its inputs are constants.
 */
const range: BoundRule = (args) => {
  const y = args.outputs[0]!;
  if (!isFloatDType(y.dtype)) return [];
  const unit = unitRoundoff(y.dtype);
  let carried = 0;
  return [Float64Array.from(y.data, (v) => (carried += unit * Math.abs(v)))];
};

/**
 * A jump at a threshold (ThresholdedRelu at alpha, Shrink at +-lambd): smoothUnary evaluates the op
 * at both ends of each input's error, so an error that crosses the threshold carries the jump.
 * Integer outputs (Shrink of integers) are exact.
 */
const threshold = (units: number): BoundRule => {
  const rule = smoothUnary({ units });
  return (args) => (isFloatDType(args.outputs[0]!.dtype) ? rule(args) : []);
};

export const GENERATOR_RULES: Readonly<Record<string, BoundRule>> = {
  // Constants, shapes, flags and positions.
  ConstantOfShape: exact,
  EyeLike: exact,
  Size: exact,
  Hardmax: exact,
  Range: range,
  // Copies of the data (Dropout's mask is a bool), and of OneHot's off and on values.
  Dropout: copies(),
  OneHot: copies({ data: [2] }),
  ThresholdedRelu: threshold(0),
  // x -+ bias rounds once.
  Shrink: threshold(1),
  CastLike: ELEMENTWISE_RULES.Cast!,
};
