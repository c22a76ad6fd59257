import type { DType } from '../../ir/dtype.js';
import type { OpSpec } from '../spec.js';
import { broadcastOp } from './binary.js';
import { FLOATS, NUMERIC } from './dtypes.js';

/** Elementwise ops over 1 or more inputs that all broadcast together (generated with 1 to 4). */
function variadic(name: string, dtypes: readonly DType[]): OpSpec {
  return broadcastOp(name, 13, { dtypes, inputs: [{ name: 'data_0', rank: [0, 5], variadic: [1, 4] }] });
}

export const max = variadic('Max', NUMERIC);
export const min = variadic('Min', NUMERIC);
export const sum = variadic('Sum', FLOATS);
export const mean = variadic('Mean', FLOATS);
