import type { DType } from '../../ir/dtype.js';
import { eq, FALSE, rule, type BoolExpr } from '../expr.js';
import { interval, type Interval } from '../interval.js';
import { facts, type NumericFacts } from '../numeric.js';
import type { OpSpec } from '../spec.js';
import { broadcastOp } from './binary.js';
import { FLOATS, NUMERIC } from './dtypes.js';
import { olderVersions } from './versions.js';

/** Elementwise ops over 1 or more inputs that all broadcast together (generated with 1 to 4). */
function variadic(name: string, dtypes: readonly DType[], numeric: NumericFacts): OpSpec {
  return broadcastOp(name, 13, { dtypes, inputs: [{ name: 'data_0', rank: [0, 5], variadic: [1, 4] }], numeric });
}

/** The output picks one input's element: the largest (smallest) of all, each input at most (least) the output. */
function extremeOf(pick: (...xs: number[]) => number, bound: (out: Interval) => Interval): NumericFacts {
  return facts({
    range: {
      forward: (xs) => interval(pick(...xs.map((x) => x.lo)), pick(...xs.map((x) => x.hi))),
      backward: (out, inputCount) => Array.from({ length: inputCount }, () => bound(out)),
    },
    exactness: { kind: 'copies' },
  });
}

/** A sum or mean of one input is that input; of several, no single input is bound. */
const sumLike = facts({ range: { backward: (out, inputCount) => (inputCount === 1 ? [out] : []) } });

export const max = variadic('Max', NUMERIC, extremeOf(Math.max, (out) => interval(-Infinity, out.hi)));
export const min = variadic('Min', NUMERIC, extremeOf(Math.min, (out) => interval(out.lo, Infinity)));
// Float only (as ONNX defines them): no integer overflow.
export const sum = variadic('Sum', FLOATS, sumLike);
export const mean = variadic('Mean', FLOATS, sumLike);

/** Version 6 of the variadic ops does not broadcast: every input has the first one's shape. */
function sameShapes(spec: OpSpec): Partial<OpSpec> {
  return {
    requires: (ctx) => {
      const first = ctx.inputs[0]!.shape;
      const req: BoolExpr[] = [...(spec.requires?.(ctx) ?? [])];
      ctx.inputs.forEach((x, i) => {
        if (i === 0 || !x) return;
        if (x.shape.length !== first.length) req.push(rule(`input ${i} has the first input's rank (no broadcasting before opset 8)`, FALSE));
        else x.shape.forEach((d, k) => req.push(rule(`input ${i} has the first input's dim ${k} (no broadcasting before opset 8)`, eq(d, first[k]!))));
      });
      return req;
    },
  };
}

/**
 * Max-6 and Min-6 (floats, no broadcasting), then 8 (broadcasting), 12 (integers); Sum-6 and Mean-6
 * (no broadcasting), then 8, which differs from 13 by bfloat16.
 */
export const OLDER_VARIADIC_SPECS: readonly OpSpec[] = [
  ...[max, min].flatMap((spec) => olderVersions(spec, [[6, { dtypes: FLOATS, ...sameShapes(spec) }], [8, { dtypes: FLOATS }], 12])),
  ...[sum, mean].flatMap((spec) => olderVersions(spec, [[6, sameShapes(spec)], 8])),
];
