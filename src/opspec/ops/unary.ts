import type { DType } from '../../ir/dtype.js';
import type { DomainRule, OpSpec } from '../spec.js';
import { FLOATS, NUMERIC } from './dtypes.js';

/** Elementwise ops with one input and an output of the same type and shape. */
function unary(name: string, sinceVersion: number, dtypes: readonly DType[], domain?: readonly DomainRule[]): OpSpec {
  return {
    name,
    sinceVersion,
    dtypes,
    inputs: [{ name: 'X', rank: [0, 5] }],
    outputs: (ctx) => [ctx.inputs[0]!],
    ...(domain ? { domain } : {}),
  };
}

export const relu = unary('Relu', 14, NUMERIC);
export const sigmoid = unary('Sigmoid', 13, FLOATS);
export const tanh = unary('Tanh', 13, FLOATS);
export const abs = unary('Abs', 13, NUMERIC);
export const neg = unary('Neg', 13, NUMERIC);
// float32 exp overflows past ~88.7
export const exp = unary('Exp', 13, FLOATS, [{ input: 0, max: 80 }]);
