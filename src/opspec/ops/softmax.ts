import { constValue, rule, TRUE, FALSE } from '../expr.js';
import { facts, type NumericFacts } from '../numeric.js';
import { bounded } from '../ranges.js';
import type { OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';

/** Softmax and LogSoftmax from opset 13: normalized along one axis (no coercion to 2-D). */
function softmaxAlongAxis(name: string, numeric: NumericFacts): OpSpec {
  return {
    name,
    sinceVersion: 13,
    dtypes: FLOATS,
    inputs: [{ name: 'input', rank: [1, 5] }],
    attrs: (ranks) => {
      const r = ranks[0]!;
      return { axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r), default: -1 } };
    },
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const axis = constValue(ctx.int('axis'))!;
      return [rule(`axis in [${-r}, ${r - 1}]`, axis >= -r && axis < r ? TRUE : FALSE)];
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    numeric,
  };
}

export const softmax = softmaxAlongAxis('Softmax', facts({ range: bounded(0, 1) }));
export const logSoftmax = softmaxAlongAxis('LogSoftmax', facts({ range: bounded(-Infinity, 0) }));
