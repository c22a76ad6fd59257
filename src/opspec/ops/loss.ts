import { c, eq, rule, sub, type BoolExpr } from '../expr.js';
import { facts } from '../numeric.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { FLOATS } from './dtypes.js';

/**
 * ignore_index: generated as -1 (no label is ignored) or 0 (the labels of class 0 are); any integer
 * on import. The weights stay positive and near 1, so that a mean's divisor is far from zero.
 */
function lossSpec(name: string, sinceVersion: number, supersededAt: number | undefined, withLogProb: boolean): OpSpec {
  return {
    name,
    sinceVersion,
    ...(supersededAt === undefined ? {} : { supersededAt }),
    ...(withLogProb ? { outputCount: [1, 2] as const } : {}),
    dtypes: FLOATS,
    inputs: [
      { name: withLogProb ? 'scores' : 'input', rank: [2, 8] },
      // Labels are class indices: [0, C - 1].
      { name: withLogProb ? 'labels' : 'target', dtypes: ['int32', 'int64'], rank: (r) => r[0]! - 1, valueRange: (ctx) => [c(0), sub(ctx.inputs[0]!.shape[1]!, 1)] },
      { name: 'weights', rank: () => 1, optional: true },
    ],
    attrs: () => ({
      reduction: { kind: 'string', choices: ['none', 'sum', 'mean'], default: 'mean' },
      ignore_index: { kind: 'int', domain: [-1, 0], optional: true },
    }),
    requires: (ctx: SpecContext) => {
      const [x, target, weights] = ctx.inputs;
      const req: BoolExpr[] = [];
      const want = [x!.shape[0]!, ...x!.shape.slice(2)];
      want.forEach((d, i) => req.push(rule(`target dim ${i} is input dim ${i === 0 ? 0 : i + 1}`, eq(target!.shape[i]!, d))));
      if (weights) req.push(rule('weights has one entry per class', eq(weights.shape[0]!, x!.shape[1]!)));
      return req;
    },
    outputs: (ctx) => {
      const [x, target] = ctx.inputs;
      const reduction = ctx.has('reduction') ? ctx.str('reduction') : 'mean';
      const loss = { dtype: x!.dtype, shape: reduction === 'none' ? target!.shape : [] };
      return withLogProb && ctx.outputCount === 2 ? [loss, { dtype: x!.dtype, shape: x!.shape }] : [loss];
    },
    domain: [{ input: 2, min: 0.25, max: 4 }],
    numeric: facts(),
  };
}

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: version 12, and 13 (which only widens the types). */
export const negativeLogLikelihoodLoss12 = lossSpec('NegativeLogLikelihoodLoss', 12, 13, false);
export const negativeLogLikelihoodLoss13 = lossSpec('NegativeLogLikelihoodLoss', 13, undefined, false);
export const softmaxCrossEntropyLoss12 = lossSpec('SoftmaxCrossEntropyLoss', 12, 13, true);
export const softmaxCrossEntropyLoss13 = lossSpec('SoftmaxCrossEntropyLoss', 13, undefined, true);
