import { constValue, rule, TRUE, FALSE } from '../expr.js';
import type { ConcreteAttrs } from '../infer.js';
import { facts, type NumericFacts } from '../numeric.js';
import { bounded } from '../ranges.js';
import type { OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';

/**
 * Softmax and LogSoftmax. From opset 13 they normalize along one axis (default -1). Versions 1 and 11
 * coerce the input to 2-D first: the dims before `axis` make the rows and every dim from `axis` on
 * is normalized together (default axis 1). Version 1 takes no negative axis.
 */
function softmaxSpec(name: string, sinceVersion: number, supersededAt: number | undefined, numeric: NumericFacts): OpSpec {
  const coerced = sinceVersion < 13;
  const lowest = (r: number) => (sinceVersion < 11 ? 0 : -r);
  return {
    name,
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: FLOATS,
    inputs: [{ name: 'input', rank: [1, 5] }],
    attrs: (ranks) => {
      const r = ranks[0]!;
      const choices = [...Array(r - lowest(r)).keys()].map((i) => i + lowest(r));
      return { axis: { kind: 'choice', choices, default: coerced ? 1 : -1 } };
    },
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const axis = constValue(ctx.int('axis'))!;
      return [rule(`axis in [${lowest(r)}, ${r - 1}]`, axis >= lowest(r) && axis < r ? TRUE : FALSE)];
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    numeric,
  };
}

/**
 * The lanes a node normalizes: element j of lane (o, i) is at (o * len + j) * inner + i. Along the
 * axis from opset 13; before it, the flattened dims from `axis` on (inner is 1).
 */
export function softmaxLanes(shape: readonly number[], attrs: ConcreteAttrs): { outer: number; len: number; inner: number } {
  const raw = attrs.int('axis');
  const axis = raw < 0 ? raw + shape.length : raw;
  const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (attrs.opset < 13) return { outer: size(shape.slice(0, axis)), len: size(shape.slice(axis)), inner: 1 };
  return { outer: size(shape.slice(0, axis)), len: shape[axis]!, inner: size(shape.slice(axis + 1)) };
}

function softmaxVersions(name: string, numeric: NumericFacts): OpSpec[] {
  return [softmaxSpec(name, 1, 11, numeric), softmaxSpec(name, 11, 13, numeric), softmaxSpec(name, 13, undefined, numeric)];
}

export const SOFTMAX_SPECS: readonly OpSpec[] = [
  ...softmaxVersions('Softmax', facts({ range: bounded(0, 1) })),
  ...softmaxVersions('LogSoftmax', facts({ range: bounded(-Infinity, 0) })),
];
