import { FALSE, rule, TRUE, type BoolExpr } from '../expr.js';
import { ANY, hull } from '../interval.js';
import type { SpecContext } from '../spec.js';
import { facts, type NumericFacts } from '../numeric.js';

/** The reductions a scatter op's version accepts: none before 16, add and mul from 16, max and min from 18. */
export function scatterReductions(version: number): readonly string[] {
  return version >= 18 ? ['none', 'add', 'mul', 'max', 'min'] : version >= 16 ? ['none', 'add', 'mul'] : ['none'];
}

/**
 * Without a reduction (or with max/min), every output element is an element of the data or of the
 * updates. With add or mul (version 16 on) it is a sum or product of them: rounded, and an integer
 * one can overflow.
 */
export function scatterFacts(version: number): NumericFacts {
  if (version < 16) {
    return facts({
      range: { forward: ([data, , updates]) => hull([data ?? ANY, updates ?? ANY]), backward: (out) => [out, undefined, out] },
      exactness: { kind: 'copies' },
    });
  }
  return facts({ overflow: 'grows' });
}

/**
 * Bools take no reduction: ONNX defines add, mul, max and min on numbers, and onnxruntime rejects
 * max and min of bools.
 */
export function boolReductionRule(ctx: SpecContext, reduction: string): BoolExpr[] {
  return ctx.dtype === 'bool' ? [rule('bool data takes no reduction', reduction === 'none' ? TRUE : FALSE)] : [];
}
