import { c, constValue, FALSE, le, product, rule, TRUE, type BoolExpr } from '../expr.js';
import { COPY_FACTS } from '../ranges.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';
import { nonZeroCount } from './nonzero.js';

function compressAxis(ctx: SpecContext): number | undefined {
  const r = ctx.inputs[0]!.shape.length;
  const axis = constValue(ctx.int('axis'))!;
  return axis >= -r && axis < r ? (axis < 0 ? axis + r : axis) : undefined;
}

/**
 * Compress (9; 11 allows a negative axis): the slices along `axis` (or the elements of the
 * flattened input, without one) where the bool condition is true; a condition shorter than the
 * axis drops the rest. How many are true decides the output shape, so the condition is a constant
 * the generator chooses, a weight input search leaves alone.
 */
function compress(version: 9 | 11): OpSpec {
  return {
    name: 'Compress',
    sinceVersion: version,
    ...(version === 9 ? { supersededAt: 11 } : {}),
    dtypes: ALL,
    inputs: [
      { name: 'input', rank: [1, 6] },
      { name: 'condition', dtype: 'bool', rank: () => 1, constantFrom: 'condition' },
    ],
    attrs: (ranks) => {
      const r = ranks[0]!;
      const axes = [...Array(r).keys()];
      return {
        axis: { kind: 'choice', choices: version === 9 ? axes : [...axes.map((a) => a - r), ...axes], optional: true },
        // Drawn concretely (0 or 1 as floats), so that the count is a number before the solver runs.
        condition: { kind: 'floats', length: [1, 8], choices: [0, 1, 1] },
      };
    },
    requires: (ctx) => {
      const x = ctx.inputs[0]!;
      const length = ctx.floats('condition').length;
      if (!ctx.has('axis')) return [rule('the condition is no longer than the input', le(length, product(x.shape)))];
      const axis = compressAxis(ctx);
      const low = version === 9 ? 0 : -x.shape.length;
      const rules: BoolExpr[] = [rule(`axis in [${low}, ${x.shape.length - 1}]`, axis === undefined || (version === 9 && constValue(ctx.int('axis'))! < 0) ? FALSE : TRUE)];
      if (axis !== undefined) rules.push(rule('the condition is no longer than the axis', le(length, x.shape[axis]!)));
      return rules;
    },
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      const kept = c(nonZeroCount(ctx.floats('condition')));
      if (!ctx.has('axis')) return [{ dtype: x.dtype, shape: [kept] }];
      const axis = compressAxis(ctx)!;
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? kept : d)) }];
    },
    numeric: COPY_FACTS,
  };
}

export const compress9 = compress(9);
export const compress11 = compress(11);
