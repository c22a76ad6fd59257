import type { Tensor } from '../../../ir/tensor.js';
import { CLASS_AXIS, classIndex, logProbabilities, negativeLogLikelihood, pickClasses, type PickedClasses } from '../../cpu/kernels/loss.js';
import { softmaxGradients } from './softmax.js';
import { exact, type GradArgs, type OpGradient } from '../gradient.js';

/**
 * The gradient of the negative log-likelihood with respect to the log-probabilities and to the class
 * weights. Each element contributes -w * lp to the sum; a mean divides the sum by the total weight
 * W, so a weight also moves the divisor: d mean / d w_c = sum over elements of class c of (-lp - mean) / W.
 */
function nllBackward(logProb: Float64Array, p: PickedClasses, dy: Float64Array, withWeights: boolean): { dLogProb: Float64Array; dWeights: Float64Array | undefined } {
  const dLogProb = new Float64Array(logProb.length);
  const dWeights = withWeights ? new Float64Array(p.classes) : undefined;
  const mean = p.reduction === 'mean' ? negativeLogLikelihood(logProb, p)[0]! : 0;
  p.picked.forEach((cls, i) => {
    if (cls < 0) return;
    const at = classIndex(p, i, cls);
    const g = p.reduction === 'none' ? dy[i]! : p.reduction === 'sum' ? dy[0]! : dy[0]! / p.totalWeight;
    dLogProb[at]! -= p.weight[i]! * g;
    if (dWeights) dWeights[cls]! += g * (-logProb[at]! - mean);
  });
  return { dLogProb, dWeights };
}

const nllGrad = exact(({ inputs, attrs, dy: [dy] }: GradArgs) => {
  if (!dy) return [];
  const [input, target, weights] = inputs;
  const { dLogProb, dWeights } = nllBackward(input!.data, pickClasses(input!, target!, weights, attrs), dy, weights !== undefined);
  return [dLogProb, undefined, dWeights];
});

/** Through the log-likelihood to log_prob (plus log_prob's own gradient), then back through LogSoftmax along the classes. */
const sceGrad = exact((args: GradArgs) => {
  const [dy, dyLogProb] = args.dy;
  if (!dy && !dyLogProb) return [];
  const [scores, labels, weights] = args.inputs;
  const logProb: Tensor = args.outputs[1] ?? logProbabilities(scores!);
  const p = pickClasses(scores!, labels!, weights, args.attrs);
  const { dLogProb, dWeights } = dy ? nllBackward(logProb.data, p, dy, weights !== undefined) : { dLogProb: new Float64Array(logProb.data.length), dWeights: undefined };
  if (dyLogProb) dyLogProb.forEach((g, i) => (dLogProb[i]! += g));
  const [dScores] = softmaxGradients.LogSoftmax!.rule({
    inputs: [scores],
    attrs: CLASS_AXIS,
    outputs: [logProb],
    outputTypes: [{ dtype: logProb.dtype, shape: logProb.shape }],
    dy: [dLogProb],
  });
  return [dScores, undefined, dWeights];
});

export const lossGradients: Readonly<Record<string, OpGradient>> = {
  NegativeLogLikelihoodLoss: nllGrad,
  SoftmaxCrossEntropyLoss: sceGrad,
};
