import type { DType } from '../../ir/dtype.js';
import type { OpSpec } from '../spec.js';
import { FLOATS, NUMERIC } from './dtypes.js';

/** Elementwise ops with one input and an output of the same type and shape. */
function unary(name: string, sinceVersion: number, dtypes: readonly DType[], domainHint?: string): OpSpec {
  return {
    name,
    sinceVersion,
    dtypes,
    inputs: [{ name: 'X', rank: [0, 5] }],
    outputs: (ctx) => [ctx.inputs[0]!],
    ...(domainHint ? { domainHint } : {}),
  };
}

export const relu = unary('Relu', 14, NUMERIC);
export const sigmoid = unary('Sigmoid', 13, FLOATS);
export const tanh = unary('Tanh', 13, FLOATS);
export const abs = unary('Abs', 13, NUMERIC);
export const neg = unary('Neg', 13, NUMERIC);
export const exp = unary('Exp', 13, FLOATS, 'x < 80 (float32 overflows past ~88.7)');
