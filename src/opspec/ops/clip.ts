import type { OpSpec } from '../spec.js';
import { NUMERIC } from './dtypes.js';
import { facts } from '../numeric.js';

/**
 * Clip (opset 11 onward): the bounds are optional scalar inputs; a missing bound does not clip.
 * When min > max every element becomes max.
 */
export const clip: OpSpec = {
  name: 'Clip',
  sinceVersion: 13,
  dtypes: NUMERIC,
  inputs: [
    { name: 'input', rank: [0, 5] },
    { name: 'min', rank: [0, 0], optional: true },
    { name: 'max', rank: [0, 0], optional: true },
  ],
  outputs: (ctx) => [ctx.inputs[0]!],
  numeric: facts({ exactness: { kind: 'copies' } }),
};
