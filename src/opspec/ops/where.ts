import { hull } from '../interval.js';
import { facts } from '../numeric.js';
import type { OpSpec } from '../spec.js';
import { broadcastOp } from './binary.js';
import { ALL } from './dtypes.js';

/**
 * Where: picks X where the bool condition holds and Y elsewhere; all three broadcast together.
 * Version 16 only adds bfloat16: for our dtypes 9 and 16 are the same op.
 */
function whereOp(sinceVersion: number, supersededAt?: number): OpSpec {
  return broadcastOp('Where', sinceVersion, {
    dtypes: ALL,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    inputs: [
      { name: 'condition', dtype: 'bool', rank: [0, 5] },
      { name: 'X', rank: [0, 5] },
      { name: 'Y', rank: [0, 5] },
    ],
    // Each element is X's or Y's (the bool condition has no values of T).
    numeric: facts({ range: { forward: ([, x, y]) => hull([x!, y!]) }, exactness: { kind: 'copies' } }),
  });
}

export const where9 = whereOp(9, 16);
export const where = whereOp(16);
