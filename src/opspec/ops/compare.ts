import { facts } from '../numeric.js';
import { broadcastOp } from './binary.js';
import type { OpSpec } from '../spec.js';
import { ALL, FLOATS, NUMERIC } from './dtypes.js';
import { olderVersions } from './versions.js';

/** A bool answer that flips where the two operands are equal. */
const numeric = facts({ discontinuity: { kind: 'comparison' } });

/** Elementwise comparisons with numpy broadcasting: T inputs, a bool output. */
export const equal13 = broadcastOp('Equal', 13, { dtypes: ALL, outputDtype: 'bool', supersededAt: 19, numeric });
// Version 19 only adds strings: for our dtypes both are the same op.
export const equal19 = broadcastOp('Equal', 19, { dtypes: ALL, outputDtype: 'bool', numeric });
export const less = broadcastOp('Less', 13, { dtypes: NUMERIC, outputDtype: 'bool', numeric });
export const greater = broadcastOp('Greater', 13, { dtypes: NUMERIC, outputDtype: 'bool', numeric });
export const lessOrEqual = broadcastOp('LessOrEqual', 16, { dtypes: NUMERIC, outputDtype: 'bool', numeric });
export const greaterOrEqual = broadcastOp('GreaterOrEqual', 16, { dtypes: NUMERIC, outputDtype: 'bool', numeric });

/**
 * Older versions: Equal-7 compares bools and integers only (floats from 11); Greater-7 and Less-7
 * compare floats only (integers from 9); GreaterOrEqual-12 and LessOrEqual-12 differ from 16 by
 * bfloat16 only.
 */
export const OLDER_COMPARE_SPECS: readonly OpSpec[] = [
  ...olderVersions(equal13, [[7, { dtypes: ['int32', 'int64', 'bool'] }], 11]),
  ...[greater, less].flatMap((spec) => olderVersions(spec, [[7, { dtypes: FLOATS }], 9])),
  ...[greaterOrEqual, lessOrEqual].flatMap((spec) => olderVersions(spec, [12])),
];
