import { eq, rule, type IntExpr } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { broadcast } from '../shapes.js';
import { FLOATS, WIDE_NUMERIC } from './dtypes.js';
import { allVersions } from './versions.js';
import { facts } from '../numeric.js';

/** numpy.matmul: 1-D operands are promoted and the promoted dim is dropped; batch dims broadcast (MatMulInteger and QLinearMatMul too). */
export function matmulShapes(a: readonly IntExpr[], b: readonly IntExpr[]) {
  const a2 = a.length === 1 ? [a[0]!] : a;
  const k1 = a2[a2.length - 1]!;
  const k2 = b.length === 1 ? b[0]! : b[b.length - 2]!;
  const batch = broadcast(a.length > 2 ? a.slice(0, -2) : [], b.length > 2 ? b.slice(0, -2) : []);
  const shape = [...batch.shape];
  if (a.length >= 2) shape.push(a[a.length - 2]!);
  if (b.length >= 2) shape.push(b[b.length - 1]!);
  return { requires: [rule('inner dims of A and B agree', eq(k1, k2)), ...batch.requires], shape };
}

export const matmul: OpSpec = {
  name: 'MatMul',
  sinceVersion: 13,
  dtypes: WIDE_NUMERIC,
  inputs: [
    { name: 'A', rank: [1, 4] },
    { name: 'B', rank: [1, 4] },
  ],
  requires: (ctx) => matmulShapes(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape).requires,
  outputs: (ctx) => [{ dtype: ctx.dtype, shape: matmulShapes(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape).shape }],
  numeric: facts({ overflow: 'grows' }),
};

/** MatMul-1 multiplies floats only (nothing overflows); 9 adds integers, 13 bfloat16. */
export const MATMUL_SPECS: readonly OpSpec[] = allVersions(matmul, [[1, { dtypes: FLOATS, numeric: facts() }], 9]);
