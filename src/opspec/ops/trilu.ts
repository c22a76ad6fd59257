import type { OpSpec } from '../spec.js';
import { ALL } from './dtypes.js';
import { interval } from '../interval.js';
import { facts } from '../numeric.js';

/** Trilu-14: keeps the upper (or lower) triangle of the last two dims, shifted by the diagonal k. */
export const trilu: OpSpec = {
  name: 'Trilu',
  sinceVersion: 14,
  dtypes: ALL,
  inputs: [
    { name: 'input', rank: [2, 8] },
    { name: 'k', dtype: 'int64', rank: () => 0, optional: true, constantFrom: 'k' },
  ],
  attrs: () => ({
    upper: { kind: 'choice', choices: [0, 1], default: 1 },
    k: { kind: 'int', domain: [-4, 4], default: 0 },
  }),
  outputs: (ctx) => [ctx.inputs[0]!],
  numeric: facts({
    // The kept triangle is copied, the other half zeroed.
    range: { forward: ([x]) => interval(Math.min(0, x!.lo), Math.max(0, x!.hi), { integral: x!.integral === true, zeros: true }) },
    exactness: { kind: 'copies', zero: true },
  }),
};
