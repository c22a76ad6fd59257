import { isFloatDType } from '../../ir/dtype.js';
import { constValue, FALSE, rule, TRUE } from '../expr.js';
import { facts } from '../numeric.js';
import { broadcastOp } from './binary.js';
import type { OpSpec } from '../spec.js';
import { NUMERIC } from './dtypes.js';
import { olderVersions } from './versions.js';

/**
 * Mod-13. fmod 0 (default): the sign of the divisor, as Python's %, integers only. fmod 1: C's
 * fmod, the sign of the dividend; required for floats, also valid for integers.
 */
export const mod = broadcastOp('Mod', 13, {
  dtypes: NUMERIC,
  attrs: { fmod: { kind: 'choice', choices: [0, 1], default: 0 } },
  requires: (ctx) => [
    rule('fmod is 1 for floating-point inputs', isFloatDType(ctx.dtype) && constValue(ctx.int('fmod')) !== 1 ? FALSE : TRUE),
  ],
  // An integer divisor of 0 crashes C++ runtimes; a float remainder by a tiny divisor is noise.
  domain: [{ input: 1, minAbs: 1e-3 }],
  numeric: facts({
    // A float remainder jumps by the divisor where the quotient crosses an integer; fmod 1 truncates it.
    discontinuity: { kind: 'quotient', truncated: (attrs) => attrs.fmod === 1 },
    // An integer divisor of 0 has no remainder (the domain keeps it out).
    overflow: 'edge-cases',
    // A float remainder of a large computed dividend holds that dividend's rounding error.
    conditioning: { kind: 'remainder' },
  }),
});

/** Mod-10 differs from 13 by bfloat16 only. */
export const OLDER_MOD_SPECS: readonly OpSpec[] = olderVersions(mod, [10]);
