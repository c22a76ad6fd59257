import { facts } from '../numeric.js';
import type { OpSpec } from '../spec.js';
import { broadcastOp } from './binary.js';
import { FLOATS, FLOATS_AND_WIDE_SIGNED, NUMERIC } from './dtypes.js';

/**
 * Pow: base X of type T. From version 12 the exponent Y has an independent type T1 and T takes
 * integers; versions 13 and 15 only add bfloat16, so for our dtypes 12, 13 and 15 are the same op.
 *
 * Domain: the base stays >= 1e-3 whatever the exponent's type. A generator can guarantee an
 * exponent's dtype but not that float exponents hold integers, and a negative base to a
 * non-integer power is NaN: for a float base the NaN check would catch it, but for an integer base
 * C++ runtimes cast that NaN to an int (undefined behaviour: INT_MIN on x86, 0 on ARM), a
 * difference no oracle should report. A base of 0 to a negative power is Inf, or undefined again
 * for integers. A per-dtype rule (base > 0 only for float exponents) would keep negative bases
 * with integer exponents, but domain rules cannot depend on another input's dtype.
 */
// Waived when the exponent holds only whole numbers: no NaN and no undefined cast can arise then.
const domain = [{ input: 0, min: 1e-3, unlessWholeNumbers: 1 }];
// An integer base to an integer power leaves int32 from 2^31 on (16^8, 2^31).
const integerPowers = facts({ overflow: 'grows' });

function heterogeneousPow(sinceVersion: number, supersededAt?: number): OpSpec {
  return broadcastOp('Pow', sinceVersion, {
    dtypes: FLOATS_AND_WIDE_SIGNED,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    inputs: [
      { name: 'X', rank: [0, 5] },
      { name: 'Y', dtypes: NUMERIC, rank: [0, 5] },
    ],
    domain,
    numeric: integerPowers,
  });
}

/** Version 7: floats only, the exponent of the base's type. */
export const pow7 = broadcastOp('Pow', 7, {
  dtypes: FLOATS,
  supersededAt: 12,
  inputs: [
    { name: 'X', rank: [0, 5] },
    { name: 'Y', rank: [0, 5] },
  ],
  domain,
  // Floats only: no integer to overflow.
  numeric: facts(),
});
export const pow12 = heterogeneousPow(12, 13);
export const pow13 = heterogeneousPow(13, 15);
export const pow = heterogeneousPow(15);
