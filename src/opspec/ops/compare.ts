import { facts } from '../numeric.js';
import { broadcastOp } from './binary.js';
import { ALL, NUMERIC } from './dtypes.js';

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
