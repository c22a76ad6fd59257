import { facts } from '../numeric.js';
import type { OpSpec } from '../spec.js';
import { ALL } from './dtypes.js';

/** Size: the input's element count as an int64 scalar. Later versions only add dtypes tensorsmith lacks. */
function sizeSpec(sinceVersion: number, supersededAt?: number): OpSpec {
  return {
    name: 'Size',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [{ name: 'data', rank: [0, 8] }],
    outputs: () => [{ dtype: 'int64', shape: [] }],
    numeric: facts(),
  };
}

export const size1 = sizeSpec(1, 13);
export const size13 = sizeSpec(13, 19);
export const size19 = sizeSpec(19, 21);
export const size = sizeSpec(21);
