import { widen } from '../interval.js';
import { facts } from '../numeric.js';
import type { AttrSpec, OpSpec } from '../spec.js';
import { ALL } from './dtypes.js';

/**
 * CastLike: Cast to the dtype of a second input (whose values are not read). Versions 19 and 21 add
 * float8 and 4-bit types and 'saturate' (float8 only): for tensorsmith's dtypes the same op. The
 * domain rule and facts are Cast's.
 */
function castLikeSpec(sinceVersion: number, supersededAt?: number): OpSpec {
  const saturate: Record<string, AttrSpec> = sinceVersion >= 19 ? { saturate: { kind: 'choice', choices: [1], default: 1 } } : {};
  return {
    name: 'CastLike',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [
      { name: 'input', rank: [0, 5] },
      { name: 'target_type', dtypes: ALL, rank: [0, 5] },
    ],
    attrs: () => saturate,
    outputs: (ctx) => [{ dtype: ctx.inputs[1]!.dtype, shape: ctx.inputs[0]!.shape }],
    domain: [{ input: 0, min: -(2 ** 16), max: 2 ** 16 }],
    numeric: facts({
      range: { backward: (out) => [widen(out, 1), undefined] },
      exactness: { kind: 'converted' },
      discontinuity: { kind: 'cast' },
      overflow: 'from-float',
    }),
  };
}

export const castLike15 = castLikeSpec(15, 19);
export const castLike19 = castLikeSpec(19, 21);
export const castLike = castLikeSpec(21);
