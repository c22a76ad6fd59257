import type { Tensor } from '../../../ir/tensor.js';
import { CLASS_AXIS, classIndex, logProbabilities, pickClasses } from '../../cpu/kernels/loss.js';
import { gamma, unitRoundoff, type BoundArgs, type BoundRule } from '../bound-rule.js';
import { NORMALIZATION_RULES } from './normalization.js';

/**
 * The loss from log-probabilities that carry `lpBound`: each element's -w * lp carries w times its
 * bound plus one rounding; a sum adds gamma(n) of the sum of magnitudes; a mean divides that by the
 * total weight (whose own sum rounds by gamma(n) too) and rounds once more.
 */
function likelihoodBound(args: BoundArgs, logProb: Float64Array, lpBound: Float64Array | undefined): Float64Array {
  const [input, target, weights] = args.inputs;
  const p = pickClasses(input!, target!, weights, args.attrs);
  const unit = unitRoundoff(args.outputs[0]!.dtype);
  const per = new Float64Array(p.picked.length);
  let carried = 0;
  let magnitude = 0;
  p.picked.forEach((cls, i) => {
    if (cls < 0) return;
    const at = classIndex(p, i, cls);
    const size = Math.abs(p.weight[i]! * logProb[at]!);
    per[i] = p.weight[i]! * (lpBound?.[at] ?? 0) + unit * size;
    carried += p.weight[i]! * (lpBound?.[at] ?? 0);
    magnitude += size;
  });
  if (p.reduction === 'none') return per;
  const g = gamma(p.picked.length, unit);
  const sumBound = carried + g * magnitude;
  if (p.reduction === 'sum') return Float64Array.of(sumBound);
  const mean = Math.abs(args.outputs[0]!.data[0]!);
  return Float64Array.of(sumBound / p.totalWeight + (g + unit) * mean);
}

const nllRule: BoundRule = (args) => [likelihoodBound(args, args.inputs[0]!.data, args.inputBounds[0])];

/** log_prob is LogSoftmax along the classes (its rule gives its bound); the loss carries that bound. */
const sceRule: BoundRule = (args) => {
  const scores = args.inputs[0]!;
  const logProb: Tensor = args.outputs[1] ?? logProbabilities(scores);
  const [lpBound] = NORMALIZATION_RULES.LogSoftmax!({
    ...args,
    attrs: CLASS_AXIS,
    inputs: [scores],
    inputBounds: [args.inputBounds[0]],
    outputs: [logProb],
    outputTypes: [{ dtype: logProb.dtype, shape: logProb.shape }],
  });
  const loss = likelihoodBound(args, logProb.data, lpBound);
  return args.outputs.length > 1 ? [loss, lpBound] : [loss];
};

export const LOSS_RULES: Readonly<Record<string, BoundRule>> = {
  NegativeLogLikelihoodLoss: nllRule,
  SoftmaxCrossEntropyLoss: sceRule,
};
