import type { DType } from '../../ir/dtype.js';
import { interval, negate } from '../interval.js';
import { erf as erfOf, sigmoid as sigmoidOf } from '../math.js';
import { facts, type NumericFacts } from '../numeric.js';
import { bounded, COPY_FACTS, monotone, rounding } from '../ranges.js';
import type { AttrSpec, DomainRule, OpSpec } from '../spec.js';
import { ALL, FLOATS, NUMERIC, SIGNED_NUMERIC } from './dtypes.js';
import { olderVersions } from './versions.js';

export interface UnaryOptions {
  /** The opset at which ONNX changed the op (types aside from ours do not count). */
  readonly supersededAt?: number;
  readonly attrs?: Readonly<Record<string, AttrSpec>>;
  readonly domain?: readonly DomainRule[];
  readonly numeric: NumericFacts;
  /** The output's dtype when it is not the input's (IsNaN, IsInf: bool). */
  readonly outputDtype?: DType;
}

/** An elementwise op with one input and an output of the same shape. */
export function unary(name: string, sinceVersion: number, dtypes: readonly DType[], options: UnaryOptions): OpSpec {
  const { supersededAt, attrs, domain, numeric, outputDtype } = options;
  return {
    name,
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes,
    inputs: [{ name: 'X', rank: [0, 5] }],
    ...(attrs ? { attrs: () => attrs } : {}),
    outputs: (ctx) => [{ dtype: outputDtype ?? ctx.dtype, shape: ctx.inputs[0]!.shape }],
    ...(domain ? { domain } : {}),
    numeric,
  };
}

export const relu = unary('Relu', 14, SIGNED_NUMERIC, {
  numeric: facts({
    range: {
      forward: ([x]) => interval(Math.max(0, x!.lo), Math.max(0, x!.hi), { integral: x!.integral === true }),
      backward: (out) => [interval(out.lo > 0 ? out.lo : -Infinity, out.hi)],
      keepsZero: true,
    },
    exactness: { kind: 'copies', zero: true },
  }),
});
export const sigmoid = unary('Sigmoid', 13, FLOATS, {
  numeric: facts({ range: monotone(sigmoidOf, { inverse: { f: (y) => Math.log(y / (1 - y)), image: [0, 1] } }) }),
});
export const tanh = unary('Tanh', 13, FLOATS, {
  numeric: facts({ range: monotone(Math.tanh, { inverse: { f: Math.atanh, image: [-1, 1] }, keepsZero: true }) }),
});
export const abs = unary('Abs', 13, NUMERIC, {
  numeric: facts({
    range: {
      forward: ([x]) => {
        const lo = x!.lo <= 0 && x!.hi >= 0 ? 0 : Math.min(Math.abs(x!.lo), Math.abs(x!.hi));
        return interval(lo, Math.max(Math.abs(x!.lo), Math.abs(x!.hi)), { integral: x!.integral === true });
      },
      backward: (out) => [interval(-out.hi, out.hi)],
      keepsZero: true,
    },
    exactness: { kind: 'copies', negations: true },
    // |INT_MIN| is one past INT_MAX.
    overflow: 'edge-cases',
  }),
});
export const neg = unary('Neg', 13, SIGNED_NUMERIC, {
  numeric: facts({
    range: { forward: ([x]) => negate(x!), backward: (out) => [interval(-out.hi, -out.lo)], keepsZero: true },
    exactness: { kind: 'copies', negations: true },
    // -INT_MIN is one past INT_MAX.
    overflow: 'edge-cases',
  }),
});
// float32 exp overflows past ~88.7
export const exp = unary('Exp', 13, FLOATS, {
  domain: [{ input: 0, max: 80 }],
  numeric: facts({ range: monotone(Math.exp, { inverse: { f: Math.log, image: [0, Infinity] } }) }),
});
// Near 0 the logarithm is steep: a tiny input error becomes a large output error.
export const log = unary('Log', 13, FLOATS, {
  domain: [{ input: 0, min: 1e-3 }],
  numeric: facts({ range: monotone(Math.log, { domain: [1e-3, Infinity], inverse: { f: Math.exp, image: [-Infinity, Infinity] } }) }),
});
export const sqrt = unary('Sqrt', 13, FLOATS, {
  domain: [{ input: 0, min: 0 }],
  numeric: facts({ range: monotone(Math.sqrt, { domain: [0, Infinity], inverse: { f: (y) => y * y, image: [0, Infinity] }, keepsZero: true }) }),
});
export const reciprocal = unary('Reciprocal', 13, FLOATS, { domain: [{ input: 0, minAbs: 1e-3 }], numeric: facts() });
export const erf = unary('Erf', 13, FLOATS, { numeric: facts({ range: monotone(erfOf, { keepsZero: true }) }) });
const stepFacts = (f: (x: number) => number, at: 'integer' | 'half-integer') =>
  facts({ range: rounding(f), exactness: { kind: 'steps' }, discontinuity: { kind: 'elementwise', at } });
export const floor = unary('Floor', 13, FLOATS, { numeric: stepFacts(Math.floor, 'integer') });
export const ceil = unary('Ceil', 13, FLOATS, { numeric: stepFacts(Math.ceil, 'integer') });
/** Rounds halves to the nearest even integer. */
export const round = unary('Round', 11, FLOATS, { numeric: stepFacts(Math.round, 'half-integer') });
export const sign = unary('Sign', 13, NUMERIC, {
  numeric: facts({
    range: bounded(-1, 1, { integral: true, nonzero: true }, true),
    exactness: { kind: 'steps' },
    discontinuity: { kind: 'elementwise', at: 'zero' },
  }),
});
export const not = unary('Not', 1, ['bool'], { numeric: facts() });

// A bool answer about values that are never near NaN when trusted: no discontinuity a finite input meets.
const isNaNFacts = facts();
export const isNaN13 = unary('IsNaN', 13, FLOATS, { supersededAt: 20, outputDtype: 'bool', numeric: isNaNFacts });
// Version 20 only adds float8 input types.
export const isNaN20 = unary('IsNaN', 20, FLOATS, { outputDtype: 'bool', numeric: isNaNFacts });

const isInfAttrs: Readonly<Record<string, AttrSpec>> = {
  detect_negative: { kind: 'choice', choices: [0, 1], default: 1 },
  detect_positive: { kind: 'choice', choices: [0, 1], default: 1 },
};
const isInfFacts = facts();
export const isInf10 = unary('IsInf', 10, ['float32', 'float64'], { supersededAt: 20, outputDtype: 'bool', attrs: isInfAttrs, numeric: isInfFacts });
// Version 20 adds float16, bfloat16 and float8 input types.
export const isInf20 = unary('IsInf', 20, FLOATS, { outputDtype: 'bool', attrs: isInfAttrs, numeric: isInfFacts });

// Versions 19 and 21 only add float8 and int4 types: for our dtypes all three are the same op.
export const identity16 = unary('Identity', 16, ALL, { supersededAt: 19, numeric: COPY_FACTS });
export const identity19 = unary('Identity', 19, ALL, { supersededAt: 21, numeric: COPY_FACTS });
export const identity21 = unary('Identity', 21, ALL, { numeric: COPY_FACTS });

/*
 * Older versions. Version 6 of the float functions, Abs and Neg (and 9 of Erf and Sign) differ from
 * 13 only by bfloat16; Relu took integers only from 14; IsNaN-9 and Identity-1, 13 and 14 differ by
 * types we lack (Identity-14 adds optionals and sequences).
 */
export const OLDER_UNARY_SPECS: readonly OpSpec[] = [
  ...olderVersions(relu, [
    [6, { dtypes: FLOATS }],
    [13, { dtypes: FLOATS }],
  ]),
  ...[sigmoid, tanh, abs, neg, exp, log, sqrt, reciprocal, floor, ceil].flatMap((spec) => olderVersions(spec, [6])),
  ...[erf, sign].flatMap((spec) => olderVersions(spec, [9])),
  ...olderVersions(isNaN13, [9]),
  ...olderVersions(identity16, [1, 13, 14]),
];
