import { c, eq, rule, type BoolExpr } from '../expr.js';
import { facts } from '../numeric.js';
import type { AttrSpec, OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';

/**
 * The modes generated per rank: every SUT we know implements cubic for 2-D images only; the
 * kernel does any rank, so imports of others are accepted.
 */
function modes(rank: number, names: readonly [linear: string, nearest: string, cubic: string]): { choices: string[]; accept: string[] } {
  const [linear, nearest, cubic] = names;
  return rank === 4 ? { choices: [linear, nearest, cubic], accept: [] } : { choices: [linear, nearest], accept: [cubic] };
}

function gridSampleSpec(sinceVersion: number, supersededAt?: number): OpSpec {
  const names = sinceVersion >= 20 ? (['linear', 'nearest', 'cubic'] as const) : (['bilinear', 'nearest', 'bicubic'] as const);
  return {
    name: 'GridSample',
    sinceVersion,
    ...(supersededAt === undefined ? {} : { supersededAt }),
    dtypes: FLOATS,
    inputs: [
      // GridSample-16 samples 2-D images; GridSample-20 any number of spatial dims (generated up to 3).
      { name: 'X', rank: sinceVersion >= 20 ? [3, 5] : () => 4 },
      { name: 'grid', dtypes: FLOATS, rank: (r) => r[0]! },
    ],
    attrs: (ranks): Record<string, AttrSpec> => {
      const m = modes(ranks[0]!, names);
      return {
        align_corners: { kind: 'choice', choices: [0, 1], default: 0 },
        mode: { kind: 'string', choices: m.choices, accept: m.accept, default: names[0] },
        padding_mode: { kind: 'string', choices: ['zeros', 'border', 'reflection'], default: 'zeros' },
      };
    },
    requires: (ctx) => {
      const [x, grid] = ctx.inputs;
      const r = x!.shape.length;
      const req: BoolExpr[] = [
        rule('grid dim 0 is the batch of X', eq(grid!.shape[0]!, x!.shape[0]!)),
        rule(`grid's last dim holds one coordinate per spatial dim (${r - 2})`, eq(grid!.shape[r - 1]!, c(r - 2))),
      ];
      return req;
    },
    outputs: (ctx) => {
      const [x, grid] = ctx.inputs;
      return [{ dtype: x!.dtype, shape: [x!.shape[0]!, x!.shape[1]!, ...grid!.shape.slice(1, -1)] }];
    },
    // Normalized coordinates: [-1, 1] spans the input; a little beyond exercises the padding.
    domain: [{ input: 1, min: -1.25, max: 1.25 }],
    numeric: facts({ discontinuity: { kind: 'sample-rounding' } }),
  };
}

/** GridSample-16 (4-D: bilinear, nearest, bicubic) and GridSample-20 (N-D: linear, nearest, cubic). */
export const gridSample16 = gridSampleSpec(16, 20);
export const gridSample20 = gridSampleSpec(20);
