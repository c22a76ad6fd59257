import type { OpSpec } from '../spec.js';
import { broadcast } from '../shapes.js';
import { NUMERIC } from './dtypes.js';

/** Elementwise binary ops with numpy broadcasting. */
function binary(name: string, sinceVersion: number, domainHint?: string): OpSpec {
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
    ...(domainHint ? { domainHint } : {}),
  };
}

export const add = binary('Add', 14);
export const sub = binary('Sub', 14);
export const mul = binary('Mul', 14);
export const div = binary('Div', 14, '|B| > 0 (away from zero)');
