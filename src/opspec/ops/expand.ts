import type { OpSpec } from '../spec.js';
import { broadcast } from '../shapes.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions } from './versions.js';

/** Expand-13: numpy broadcasting of the input against the constant `shape` (in both directions). */
export const expand: OpSpec = {
  name: 'Expand',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'input', rank: [0, 8] },
    { name: 'shape', dtype: 'int64', rank: () => 1, constantFrom: 'shape' },
  ],
  attrs: (ranks) => ({ shape: { kind: 'ints', length: [1, Math.min(ranks[0]! + 1, 5)], domain: [1, 12] } }),
  requires: (ctx) => broadcast(ctx.inputs[0]!.shape, ctx.ints('shape')).requires,
  outputs: (ctx) => [{ dtype: ctx.inputs[0]!.dtype, shape: broadcast(ctx.inputs[0]!.shape, ctx.ints('shape')).shape }],
  numeric: COPY_FACTS,
};

/** Expand-8 differs from 13 by bfloat16 only. */
export const EXPAND_SPECS: readonly OpSpec[] = allVersions(expand, [8]);
