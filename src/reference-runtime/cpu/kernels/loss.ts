import type { Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { result, type Kernel } from '../kernel.js';
import { softmaxKernels } from './softmax.js';

/** Which class each (n, d1..dk) element picks, and with what weight: 0 where its label is ignore_index. */
export interface PickedClasses {
  readonly batch: number;
  readonly classes: number;
  /** Elements per (n, class) plane: the product of d1..dk. */
  readonly inner: number;
  /** Per element of the target: the class it picks, or -1 where ignored. */
  readonly picked: Int32Array;
  /** Per element of the target: the weight of its class (1 without weights), 0 where ignored. */
  readonly weight: Float64Array;
  /** The sum of the weights: the mean's divisor. */
  readonly totalWeight: number;
  readonly reduction: string;
}

/** Reads the target and weights of NegativeLogLikelihoodLoss or SoftmaxCrossEntropyLoss. */
export function pickClasses(input: Tensor, target: Tensor, weights: Tensor | undefined, attrs: ConcreteAttrs): PickedClasses {
  const [batch, classes] = [input.shape[0]!, input.shape[1]!];
  const inner = input.shape.slice(2).reduce((a, b) => a * b, 1);
  const ignore = attrs.has('ignore_index') ? attrs.int('ignore_index') : undefined;
  const picked = new Int32Array(target.data.length);
  const weight = new Float64Array(target.data.length);
  let totalWeight = 0;
  target.data.forEach((label, i) => {
    if (label === ignore) {
      picked[i] = -1;
      return;
    }
    if (label < 0 || label >= classes) throw new RangeError(`label ${label} is out of range for ${classes} classes`);
    picked[i] = label;
    weight[i] = weights ? weights.data[label]! : 1;
    totalWeight += weight[i]!;
  });
  return { batch, classes, inner, picked, weight, totalWeight, reduction: attrs.has('reduction') ? attrs.str('reduction') : 'mean' };
}

/** The flat index of the element of class `cls` that target element i reads: [n, cls, j] for i = n * inner + j. */
export function classIndex(p: PickedClasses, i: number, cls: number): number {
  const n = Math.floor(i / p.inner);
  return (n * p.classes + cls) * p.inner + (i % p.inner);
}

/** -weight * logProb[picked] per element, reduced as `reduction` says (mean: divided by the sum of the weights). */
export function negativeLogLikelihood(logProb: Float64Array, p: PickedClasses): Float64Array {
  const losses = new Float64Array(p.picked.length);
  p.picked.forEach((cls, i) => {
    if (cls >= 0) losses[i] = -p.weight[i]! * logProb[classIndex(p, i, cls)]!;
  });
  if (p.reduction === 'none') return losses;
  const sum = losses.reduce((a, b) => a + b, 0);
  return Float64Array.of(p.reduction === 'sum' ? sum : sum / p.totalWeight);
}

export const nllLossKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [input, target, weights] = inputs;
  const p = pickClasses(input!, target!, weights, attrs);
  return [result(outputs[0]!, negativeLogLikelihood(input!.data, p))];
};

/** The attributes of LogSoftmax along the class axis. */
export const CLASS_AXIS: ConcreteAttrs = {
  has: (name) => name === 'axis',
  int: () => 1,
  ints: () => [],
  float: () => 0,
  floats: () => [],
  str: () => '',
  strs: () => [],
  // LogSoftmax-13's meaning: along the axis alone (before 13 it flattened the input to 2-D there).
  opset: 13,
};

/** The log-probabilities of the scores over the class axis (axis 1), as LogSoftmax computes them. */
export function logProbabilities(scores: Tensor): Tensor {
  return softmaxKernels.LogSoftmax!({ inputs: [scores], attrs: CLASS_AXIS, outputs: [{ dtype: scores.dtype, shape: scores.shape }] })[0]!;
}

/** The negative log-likelihood of the scores' log-softmax over the classes; log_prob is the optional second output. */
export const softmaxCrossEntropyKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [scores, labels, weights] = inputs;
  const logProb = logProbabilities(scores!);
  const p = pickClasses(scores!, labels!, weights, attrs);
  const loss = result(outputs[0]!, negativeLogLikelihood(logProb.data, p));
  return outputs.length > 1 ? [loss, result(outputs[1]!, logProb.data)] : [loss];
};

export const lossKernels = { NegativeLogLikelihoodLoss: nllLossKernel, SoftmaxCrossEntropyLoss: softmaxCrossEntropyKernel };
