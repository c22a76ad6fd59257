import { constValue, eq, or, rule, type BoolExpr, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { FLOATS, WIDE_NUMERIC } from './dtypes.js';
import { allVersions } from './versions.js';
import { facts } from '../numeric.js';

/** [M, K] of op(A) and [K', N] of op(B), after transA and transB. */
function operandDims(ctx: SpecContext): { m: IntExpr; k: IntExpr; k2: IntExpr; n: IntExpr } {
  const [a, b] = ctx.inputs;
  const transA = constValue(ctx.int('transA')) === 1;
  const transB = constValue(ctx.int('transB')) === 1;
  const [m, k] = transA ? [a!.shape[1]!, a!.shape[0]!] : [a!.shape[0]!, a!.shape[1]!];
  const [k2, n] = transB ? [b!.shape[1]!, b!.shape[0]!] : [b!.shape[0]!, b!.shape[1]!];
  return { m, k, k2, n };
}

/** Y = alpha * op(A) @ op(B) + beta * C, with C unidirectionally broadcast to [M, N]. */
export const gemm: OpSpec = {
  name: 'Gemm',
  sinceVersion: 13,
  dtypes: WIDE_NUMERIC,
  inputs: [
    { name: 'A', rank: () => 2 },
    { name: 'B', rank: () => 2 },
    { name: 'C', rank: [0, 2], optional: true },
  ],
  attrs: () => ({
    alpha: { kind: 'float', range: [-2, 2], default: 1 },
    beta: { kind: 'float', range: [-2, 2], default: 1 },
    transA: { kind: 'choice', choices: [0, 1], default: 0 },
    transB: { kind: 'choice', choices: [0, 1], default: 0 },
  }),
  requires: (ctx) => {
    const { m, k, k2, n } = operandDims(ctx);
    const req: BoolExpr[] = [rule('inner dims of op(A) and op(B) agree', eq(k, k2))];
    const cIn = ctx.inputs[2];
    if (cIn) {
      const target = [m, n].slice(2 - cIn.shape.length);
      cIn.shape.forEach((d, i) => req.push(rule(`C dim ${i} broadcasts to [M, N]`, or(eq(d, target[i]!), eq(d, 1)))));
    }
    return req;
  },
  outputs: (ctx) => {
    const { m, n } = operandDims(ctx);
    return [{ dtype: ctx.dtype, shape: [m, n] }];
  },
  numeric: facts({ overflow: 'grows' }),
};

/** Before version 11, C is required. */
const requiredC = { inputs: gemm.inputs.map((slot) => (slot.name === 'C' ? { name: 'C', rank: [0, 2] as const } : slot)) };

/** Gemm-7 multiplies floats only (nothing overflows) and 9 integers too, both with a required C; 11 makes C optional, 13 adds bfloat16. */
export const GEMM_SPECS: readonly OpSpec[] = allVersions(gemm, [[7, { dtypes: FLOATS, numeric: facts(), ...requiredC }], [9, requiredC], 11]);
