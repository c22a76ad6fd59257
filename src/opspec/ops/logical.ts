import { facts } from '../numeric.js';
import { broadcastOp } from './binary.js';

/** Elementwise boolean ops with numpy broadcasting: bools in, bools out, nothing numeric to know. */
export const and = broadcastOp('And', 7, { dtypes: ['bool'], numeric: facts() });
export const or = broadcastOp('Or', 7, { dtypes: ['bool'], numeric: facts() });
export const xor = broadcastOp('Xor', 7, { dtypes: ['bool'], numeric: facts() });
