import type { OpSpec } from '../spec.js';
import { allConst } from '../shapes.js';
import { rule, TRUE, FALSE } from '../expr.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions } from './versions.js';

export const transpose: OpSpec = {
  name: 'Transpose',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [{ name: 'data', rank: [1, 8] }],
  attrs: (ranks) => ({
    perm: { kind: 'perm', length: ranks[0]!, default: [...Array(ranks[0]!).keys()].reverse() },
  }),
  requires: (ctx) => {
    const perm = allConst(ctx.ints('perm'));
    const r = ctx.inputs[0]!.shape.length;
    const ok = perm !== undefined && perm.length === r && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    return [rule(`perm is a permutation of 0..${r - 1}`, ok ? TRUE : FALSE)];
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    const perm = allConst(ctx.ints('perm'))!;
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }];
  },
  numeric: COPY_FACTS,
};

/** Transpose-1, 13 and 21 differ by types we lack (bfloat16, int4). */
export const TRANSPOSE_SPECS: readonly OpSpec[] = allVersions(transpose, [1], [21]);
