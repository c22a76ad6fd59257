import { ge, mul, rule, FALSE, TRUE } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions } from './versions.js';

/** Tile-13: repeats the input `repeats[i]` times along each axis i. */
export const tile: OpSpec = {
  name: 'Tile',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [
    { name: 'input', rank: [1, 8] },
    { name: 'repeats', dtype: 'int64', rank: () => 1, constantFrom: 'repeats' },
  ],
  attrs: (ranks) => ({ repeats: { kind: 'ints', length: ranks[0]!, domain: [1, 3] } }),
  requires: (ctx) => {
    const r = ctx.inputs[0]!.shape.length;
    const repeats = ctx.ints('repeats');
    return [
      rule(`repeats has one entry per input dim (${r})`, repeats.length === r ? TRUE : FALSE),
      ...repeats.map((n) => rule('repeats are >= 0', ge(n, 0))),
    ];
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    const repeats = ctx.ints('repeats');
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => mul(d, repeats[i]!)) }];
  },
  numeric: COPY_FACTS,
};

/** Tile-6 differs from 13 by bfloat16 only. */
export const TILE_SPECS: readonly OpSpec[] = allVersions(tile, [6]);
