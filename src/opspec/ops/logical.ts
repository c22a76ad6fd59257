import { broadcastOp } from './binary.js';

/** Elementwise boolean ops with numpy broadcasting. */
export const and = broadcastOp('And', 7, { dtypes: ['bool'] });
export const or = broadcastOp('Or', 7, { dtypes: ['bool'] });
export const xor = broadcastOp('Xor', 7, { dtypes: ['bool'] });
