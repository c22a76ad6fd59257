import { c } from '../expr.js';
import { facts } from '../numeric.js';
import type { OpSpec } from '../spec.js';
import { ALL } from './dtypes.js';

/** How many values are nonzero (NaN is). */
export function nonZeroCount(values: readonly number[]): number {
  return values.filter((v) => v !== 0).length;
}

/**
 * NonZero (9, and 13 for bfloat16): the indices of the nonzero elements, one column per element,
 * as an int64 [rank, count] tensor. The count decides the output shape, so the data is a constant
 * the generator chooses (0s and 1s: only zero or not matters), a weight input search leaves alone.
 * The generator makes it 1-D; imported models may hold constants of any rank from 1.
 */
function nonZero(version: 9 | 13): OpSpec {
  return {
    name: 'NonZero',
    sinceVersion: version,
    ...(version === 9 ? { supersededAt: 13 } : {}),
    dtypes: ALL,
    inputs: [{ name: 'X', rank: [1, 8], constantFrom: 'values' }],
    // Drawn concretely (a float list), so that the count is a number before the solver runs.
    attrs: () => ({ values: { kind: 'floats', length: [1, 12], choices: [0, 1, 1] } }),
    outputs: (ctx) => [{ dtype: 'int64', shape: [c(ctx.inputs[0]!.shape.length), c(nonZeroCount(ctx.floats('values')))] }],
    numeric: facts(),
  };
}

export const nonZero9 = nonZero(9);
export const nonZero13 = nonZero(13);
