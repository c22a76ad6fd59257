import { broadcastOp } from './binary.js';
import { ALL, NUMERIC } from './dtypes.js';

/** Elementwise comparisons with numpy broadcasting: T inputs, a bool output. */
export const equal13 = broadcastOp('Equal', 13, { dtypes: ALL, outputDtype: 'bool', supersededAt: 19 });
// Version 19 only adds strings: for our dtypes both are the same op.
export const equal19 = broadcastOp('Equal', 19, { dtypes: ALL, outputDtype: 'bool' });
export const less = broadcastOp('Less', 13, { dtypes: NUMERIC, outputDtype: 'bool' });
export const greater = broadcastOp('Greater', 13, { dtypes: NUMERIC, outputDtype: 'bool' });
export const lessOrEqual = broadcastOp('LessOrEqual', 16, { dtypes: NUMERIC, outputDtype: 'bool' });
export const greaterOrEqual = broadcastOp('GreaterOrEqual', 16, { dtypes: NUMERIC, outputDtype: 'bool' });
