import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { cumSumKernel } from '../../cpu/kernels/cumsum.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/** The same attributes with `reverse` flipped. */
function flippedReverse(attrs: ConcreteAttrs): ConcreteAttrs {
  return {
    opset: attrs.opset,
    has: (name) => attrs.has(name),
    int: (name) => (name === 'reverse' ? 1 - attrs.int('reverse') : attrs.int(name)),
    ints: (name) => attrs.ints(name),
    float: (name) => attrs.float(name),
    floats: (name) => attrs.floats(name),
    str: (name) => attrs.str(name),
    strs: (name) => attrs.strs(name),
  };
}

/**
 * Each x_i feeds every y_j whose sum includes it: those after it (before it when reversed), and
 * itself unless exclusive. So dx is the cumulative sum of dy in the other direction, with the same
 * exclusive flag, computed by the forward kernel itself. The axis input is structural.
 */
const cumSumGrad: GradRule = (args) => {
  const dy = args.dy[0];
  if (!dy) return [];
  const shape = args.inputs[0]!.shape;
  const [dx] = cumSumKernel({
    inputs: [{ dtype: 'float64', shape, data: dy }, args.inputs[1]],
    attrs: flippedReverse(args.attrs),
    outputs: [{ dtype: 'float64', shape }],
  });
  return [dx!.data, undefined];
};

export const cumSumGradients: Readonly<Record<string, OpGradient>> = {
  CumSum: exact(cumSumGrad),
};
