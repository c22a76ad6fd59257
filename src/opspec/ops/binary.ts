import type { DomainRule, OpSpec } from '../spec.js';
import { broadcast } from '../shapes.js';
import { NUMERIC } from './dtypes.js';

/** Elementwise binary ops with numpy broadcasting. */
function binary(name: string, sinceVersion: number, domain?: readonly DomainRule[]): OpSpec {
  return {
    name,
    sinceVersion,
    dtypes: NUMERIC,
    inputs: [
      { name: 'A', rank: [0, 5] },
      { name: 'B', rank: [0, 5] },
    ],
    requires: (ctx) => broadcast(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape).requires,
    outputs: (ctx) => [{ dtype: ctx.dtype, shape: broadcast(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape).shape }],
    ...(domain ? { domain } : {}),
  };
}

export const add = binary('Add', 14);
export const sub = binary('Sub', 14);
export const mul = binary('Mul', 14);
// A divisor near zero turns tiny (and legitimately imprecise) values into huge ones.
export const div = binary('Div', 14, [{ input: 1, minAbs: 1e-3 }]);
