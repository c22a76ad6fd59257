import type { DType } from '../../ir/dtype.js';
import type { BoolExpr } from '../expr.js';
import { interval, negate, product, sum } from '../interval.js';
import { facts, type NumericFacts } from '../numeric.js';
import { broadcastMany } from '../shapes.js';
import type { AttrSpec, DomainRule, InputSlot, OpSpec, SpecContext } from '../spec.js';
import { NUMERIC, WIDE_NUMERIC } from './dtypes.js';

export interface BroadcastOpOptions {
  /** The dtypes the type variable T may take. */
  readonly dtypes: readonly DType[];
  /** The opset at which ONNX changed the op (types aside from ours do not count). */
  readonly supersededAt?: number;
  /** The input slots (default: A and B of type T); the last may be variadic. */
  readonly inputs?: readonly InputSlot[];
  /** The output's dtype when it is not T (comparisons and logical ops: bool). */
  readonly outputDtype?: DType;
  readonly attrs?: Readonly<Record<string, AttrSpec>>;
  /** Rules besides broadcasting. */
  readonly requires?: (ctx: SpecContext) => readonly BoolExpr[];
  readonly domain?: readonly DomainRule[];
  readonly numeric: NumericFacts;
}

const A_AND_B: readonly InputSlot[] = [
  { name: 'A', rank: [0, 5] },
  { name: 'B', rank: [0, 5] },
];

function inputShapes(ctx: SpecContext) {
  return ctx.inputs.flatMap((x) => (x ? [x.shape] : []));
}

/** An elementwise op whose inputs all broadcast together numpy-style (multidirectional broadcasting). */
export function broadcastOp(name: string, sinceVersion: number, options: BroadcastOpOptions): OpSpec {
  const { attrs, domain, requires } = options;
  return {
    name,
    sinceVersion,
    ...(options.supersededAt !== undefined ? { supersededAt: options.supersededAt } : {}),
    dtypes: options.dtypes,
    inputs: options.inputs ?? A_AND_B,
    ...(attrs ? { attrs: () => attrs } : {}),
    requires: (ctx) => [...broadcastMany(inputShapes(ctx)).requires, ...(requires?.(ctx) ?? [])],
    outputs: (ctx) => [{ dtype: options.outputDtype ?? ctx.dtype, shape: broadcastMany(inputShapes(ctx)).shape }],
    ...(domain ? { domain } : {}),
    numeric: options.numeric,
  };
}

/**
 * Add, Sub, Mul and Div at versions 7, 13 and 14: 13 only adds bfloat16 and 14 8- and 16-bit
 * integers, so apart from those dtypes the three are the same op (older opsets appear in ONNX's expanded tests).
 */
function arithmetic(name: string, numeric: NumericFacts, domain?: readonly DomainRule[]): [OpSpec, OpSpec, OpSpec] {
  const options = { dtypes: NUMERIC, numeric, ...(domain ? { domain } : {}) };
  return [
    broadcastOp(name, 7, { ...options, dtypes: WIDE_NUMERIC, supersededAt: 13 }),
    broadcastOp(name, 13, { ...options, dtypes: WIDE_NUMERIC, supersededAt: 14 }),
    broadcastOp(name, 14, options),
  ];
}

export const [add7, add13, add] = arithmetic('Add', facts({ range: { forward: ([a, b]) => sum(a!, b!) }, overflow: 'grows' }));
export const [sub7, sub13, sub] = arithmetic(
  'Sub',
  facts({ range: { forward: ([a, b]) => sum(a!, negate(b!)), sameOperands: () => interval(0, 0) }, overflow: 'grows' }),
);
export const [mul7, mul13, mul] = arithmetic(
  'Mul',
  facts({
    range: {
      forward: ([a, b]) => product(a!, b!),
      // A square is never negative.
      sameOperands: (x) => interval(0, Math.max(x.lo * x.lo, x.hi * x.hi), { integral: x.integral === true }),
      keepsZero: true,
    },
    overflow: 'grows',
  }),
);
// A divisor near zero turns tiny (and legitimately imprecise) values into huge ones; an integer
// divisor of 0 crashes C++ runtimes, and so does INT_MIN / -1 (one past INT_MAX).
export const [div7, div13, div] = arithmetic('Div', facts({ overflow: 'edge-cases' }), [{ input: 1, minAbs: 1e-3 }]);
