import { constValue, eq, floordiv, ge, mod, mul, rule, FALSE, type BoolExpr, type IntExpr } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions } from './versions.js';

const BLOCKSIZE = { kind: 'int', domain: [1, 3] } as const;

/** blocksize >= 1, and the divisibility rules (which are only stated for a usable blocksize). */
function blockRules(b: IntExpr, divisible: (b: IntExpr) => BoolExpr[]): BoolExpr[] {
  const k = constValue(b);
  if (k !== undefined && k < 1) return [rule('blocksize >= 1', FALSE)];
  return [rule('blocksize >= 1', ge(b, 1)), ...divisible(b)];
}

/** DepthToSpace-13: moves blocks of channels into blocksize x blocksize spatial tiles (DCR or CRD order). */
export const depthToSpace: OpSpec = {
  name: 'DepthToSpace',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [{ name: 'input', rank: [4, 4] }],
  attrs: () => ({
    blocksize: BLOCKSIZE,
    mode: { kind: 'string', choices: ['DCR', 'CRD'], default: 'DCR' },
  }),
  requires: (ctx) => {
    const channels = ctx.inputs[0]!.shape[1]!;
    return blockRules(ctx.int('blocksize'), (b) => [rule('channels are a multiple of blocksize^2', eq(mod(channels, mul(b, b)), 0))]);
  },
  outputs: (ctx) => {
    const [n, ch, h, w] = ctx.inputs[0]!.shape;
    const b = ctx.int('blocksize');
    return [{ dtype: ctx.dtype, shape: [n!, floordiv(ch!, mul(b, b)), mul(h!, b), mul(w!, b)] }];
  },
  numeric: COPY_FACTS,
};

/** SpaceToDepth-13: the inverse, moving blocksize x blocksize spatial tiles into channels (DCR order). */
export const spaceToDepth: OpSpec = {
  name: 'SpaceToDepth',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [{ name: 'input', rank: [4, 4] }],
  attrs: () => ({ blocksize: BLOCKSIZE }),
  requires: (ctx) => {
    const [, , h, w] = ctx.inputs[0]!.shape;
    return blockRules(ctx.int('blocksize'), (b) => [
      rule('height is a multiple of blocksize', eq(mod(h!, b), 0)),
      rule('width is a multiple of blocksize', eq(mod(w!, b), 0)),
    ]);
  },
  outputs: (ctx) => {
    const [n, ch, h, w] = ctx.inputs[0]!.shape;
    const b = ctx.int('blocksize');
    return [{ dtype: ctx.dtype, shape: [n!, mul(ch!, mul(b, b)), floordiv(h!, b), floordiv(w!, b)] }];
  },
  numeric: COPY_FACTS,
};

/** DepthToSpace-1 knows only the DCR order (mode came with 11); 13 adds bfloat16, as does SpaceToDepth-13 to 1. */
export const DEPTH_SPACE_SPECS: readonly OpSpec[] = [
  ...allVersions(depthToSpace, [[1, { attrs: () => ({ blocksize: BLOCKSIZE }) }], 11]),
  ...allVersions(spaceToDepth, [1]),
];
