import { isIntDType, type DType } from '../ir/dtype.js';
import type { Attrs } from '../ir/model.js';
import type { Interval } from './interval.js';
import type { ConcreteAttrs } from './infer.js';

/**
 * What every layer needs to know about an op's values, beside its shapes: the generator bounds
 * values with the range, the reference distrusts results next to a discontinuity or beyond an
 * integer dtype, the input search pushes inputs away from both, and the rounding probe leaves exact
 * outputs alone. Declarative data and small pure math functions; no kernels, no solver.
 */
export interface NumericFacts {
  readonly range: RangeFacts;
  readonly exactness: Exactness;
  readonly discontinuity: Discontinuity;
  readonly overflow: IntegerOverflow;
  /** How the op can amplify float32 rounding of its inputs beyond the oracle's tolerance, if it can. */
  readonly conditioning?: Conditioning;
}

/**
 * How an op amplifies the float32 rounding its inputs carry.
 * - 'normalization' divides by a standard deviation: inputs large against it lose their float32
 *   rounding error through it (a plane of 20000s normalizes to B exactly, but a float32 SUT that
 *   folds the mean into a bias is off by a quarter). Where the statistics come from: each (batch,
 *   channel) plane ('spatial', InstanceNormalization), the axes from the 'axis' attribute on
 *   ('trailing', LayerNormalization), or the mean and variance inputs ('given', BatchNormalization).
 * - 'remainder' (a float Mod) keeps the absolute rounding error of a computed dividend while its
 *   value stays below the divisor: a sum of squares of 3951.36, off by 1e-3 in float32, leaves a
 *   remainder of 0.56 off by the same 1e-3, twice the tolerance at that scale. The remainder itself
 *   is exact (IEEE fmod), so dividends and divisors fed as graph inputs or weights carry no error.
 */
export type Conditioning = { readonly kind: 'normalization'; readonly statistics: 'spatial' | 'trailing' | 'given' } | { readonly kind: 'remainder' };

/** What an op's outputs can hold, as interval transfers (the first output unless `copies` says every one). */
export interface RangeFacts {
  /** What the first output can hold given what each given input can. Absent: anything. */
  readonly forward?: (inputs: readonly Interval[]) => Interval;
  /**
   * What each input must hold for the first output to stay within `out` (necessary, not
   * sufficient: an input is only constrained where every choice of the others leaves no way out).
   * Absent, or undefined for an input: nothing is known.
   */
  readonly backward?: (out: Interval, inputCount: number) => readonly (Interval | undefined)[];
  /** The first output's range when both operands are one value (x - x, x * x), which the interval transfer cannot know. */
  readonly sameOperands?: (x: Interval) => Interval;
  /** Every output holds copies of elements of the first data input, or of all of them (Concat). */
  readonly copies?: 'first' | 'all';
  /** f(0) = 0 (for Mul, a zero factor gives zero): an exact zero in the first input stays an exact zero. */
  readonly keepsZero?: boolean;
}

/**
 * Whether an op's float outputs are exact whatever the precision, and which values they hold. A SUT
 * computes exact outputs bit for bit too, so the rounding probe does not nudge them: a tie between x
 * and a copy of x is real.
 */
export type Exactness =
  /** Computed and rounded: a float32 SUT's result may differ in the last bits. */
  | { readonly kind: 'rounded' }
  /**
   * Every float output element is an element of an input of the output's dtype, or (as declared)
   * the negation of one or zero: Reshape, Max, Where, Clip; Relu and Trilu (zero); Abs, Neg (negations).
   */
  | { readonly kind: 'copies'; readonly negations?: boolean; readonly zero?: boolean }
  /**
   * Piecewise constant: every output element is an integer picked by where the input element lies
   * (Floor, Ceil, Round, Sign). Exact, and a flip is a different answer, not a rounding difference.
   */
  | { readonly kind: 'steps' }
  /** Every output element is the input element converted to the output dtype (Cast). */
  | { readonly kind: 'converted' };

/** Where an elementwise step jumps: at every integer, every half-integer, or zero. */
export type JumpLocation = 'integer' | 'half-integer' | 'zero';

/**
 * Where a float input makes a discrete result (a step output, an integer or bool output, a
 * remainder) jump. Kinks (Relu's, Max's) are continuous and are no discontinuity.
 */
export type Discontinuity =
  | { readonly kind: 'none' }
  /** An elementwise function of the first input that jumps at every `at` (Floor, Round, Sign). */
  | { readonly kind: 'elementwise'; readonly at: JumpLocation }
  /** Cast: truncation toward an integer target jumps at integers, the zero test of a bool one at zero; float targets are continuous. */
  | { readonly kind: 'cast' }
  /** A comparison of the first two operands under broadcasting: flips where they are equal. */
  | { readonly kind: 'comparison' }
  /** The index of the extreme along the 'axis' attribute (ArgMax): flips where the best two candidates tie. */
  | { readonly kind: 'arg-extreme' }
  /**
   * The index of the extreme of each window (MaxPool's optional Indices output): flips where two
   * elements of a window tie. No input check sees it; the rounding probe watches the index output.
   */
  | { readonly kind: 'window-extreme' }
  /**
   * A nearest-mode sample (GridSample): the element read jumps where a grid coordinate, unnormalized,
   * is a half-integer (the rounding tie), for nodes whose mode is nearest.
   */
  | { readonly kind: 'sample-rounding' }
  /**
   * A float remainder: jumps where the quotient of the first two operands crosses an integer,
   * truncated or floored as `truncated` says for the node's attributes (Mod's fmod).
   */
  | { readonly kind: 'quotient'; readonly truncated: (attrs: Attrs) => boolean }
  /**
   * Where the op's own rule says: `near` describes an input element within `margin` (relative, of
   * at least 1) of a jump, or returns undefined. ThresholdedRelu jumps at alpha, Shrink at +-lambd;
   * MeanVarianceNormalization divides by a deviation that nearly equal values make vanish.
   */
  | { readonly kind: 'own'; readonly near: (inputs: readonly (ValuesOf | undefined)[], attrs: ConcreteAttrs, margin: number) => string | undefined }
  /**
   * An integer result that rounds a real value half to even before saturating (the quantization
   * ops): jumps where that value crosses a half-integer. `of` names the value: the quotient x /
   * scale (QuantizeLinear), x / scale and -min / scale with the scale computed from x
   * (DynamicQuantizeLinear), or an exact integer sum times the float multiplier in_scale *
   * w_scale / out_scale (QLinearConv, QLinearMatMul), which a float32 SUT rounds on its own.
   */
  | { readonly kind: 'requantize'; readonly of: RequantizedValue };

/** What an `own` discontinuity reads of an input: its shape and values. */
export interface ValuesOf {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Which real value a quantization op rounds (see Discontinuity 'requantize'). */
export type RequantizedValue = 'quotient' | 'dynamic' | 'conv' | 'matmul';

/**
 * Whether an integer result can leave what its dtype holds (int64: beyond 2^53, where float64 stops
 * being exact), or be NaN or infinite, from inputs their dtypes hold, domain rules aside (they may
 * keep it out, as Div's keeps zero divisors out). C++ runtimes leave that undefined, so the
 * reference distrusts it.
 */
export type IntegerOverflow =
  /** Never: results stay within the inputs' range or are bounded by the shapes (Max, Gather, ArgMax, Shape). */
  | 'never'
  /** Sums, products and powers of in-range integers leave the range: Add, Mul, Pow, MatMul, ReduceSum, CumSum... */
  | 'grows'
  /**
   * Only at the dtype's edges or where the op has no integer result: -INT_MIN (Neg, Abs),
   * INT_MIN / -1 and division by zero (Div, Mod), a cubic Resize's overshoot or ReduceLogSumExp's
   * max + log(n) next to INT_MAX, the log of a non-positive sum (ReduceLogSum).
   */
  | 'edge-cases'
  /** Only from a float input: NaN, or beyond the integer target's range (Cast). */
  | 'from-float';

/**
 * The facts of an op about which nothing is declared but what `given` says: any value, rounded,
 * continuous, no integer overflow.
 */
export function facts(given: Partial<NumericFacts> = {}): NumericFacts {
  return {
    range: given.range ?? {},
    exactness: given.exactness ?? { kind: 'rounded' },
    discontinuity: given.discontinuity ?? { kind: 'none' },
    overflow: given.overflow ?? 'never',
    ...(given.conditioning ? { conditioning: given.conditioning } : {}),
  };
}

/** Whether the float outputs are exact (the rounding probe leaves them alone). */
export function isExact(f: NumericFacts): boolean {
  return f.exactness.kind !== 'rounded';
}

/** Whether the float output is piecewise constant: a flip there changes the answer. */
export function isStep(f: NumericFacts): boolean {
  return f.exactness.kind === 'steps';
}

/** Where an elementwise discontinuity jumps for a node with this output dtype, if it is one. */
export function elementwiseJump(d: Discontinuity, outputDtype: DType): JumpLocation | undefined {
  if (d.kind === 'elementwise') return d.at;
  if (d.kind !== 'cast') return undefined;
  if (outputDtype === 'bool') return 'zero';
  return isIntDType(outputDtype) ? 'integer' : undefined;
}

/** The jump of that kind nearest to x. */
export function nearestJump(at: JumpLocation, x: number): number {
  switch (at) {
    case 'integer':
      return Math.round(x);
    case 'half-integer':
      return Math.floor(x) + 0.5;
    case 'zero':
      return 0;
  }
}

const DISCONTINUITY_KINDS = new Set(['none', 'elementwise', 'cast', 'comparison', 'arg-extreme', 'window-extreme', 'sample-rounding', 'quotient', 'own', 'requantize']);
const EXACTNESS_KINDS = new Set(['rounded', 'copies', 'steps', 'converted']);
const OVERFLOW_KINDS = new Set(['never', 'grows', 'edge-cases', 'from-float']);

/**
 * What is wrong with a spec's numeric facts, or undefined. TypeScript already requires them; this
 * catches specs built in plain JavaScript or through a loose type, naming the op.
 */
export function numericFactsProblem(spec: { readonly name: string; readonly sinceVersion: number; readonly numeric?: NumericFacts }): string | undefined {
  const where = `operator spec '${spec.name}-${spec.sinceVersion}'`;
  const f = spec.numeric;
  if (f === undefined || f === null || typeof f !== 'object') return `${where} declares no numeric facts (OpSpec.numeric)`;
  if (typeof f.range !== 'object' || f.range === null) return `${where} has numeric facts without a range`;
  if (!EXACTNESS_KINDS.has(f.exactness?.kind ?? '')) return `${where} has numeric facts without a known exactness`;
  if (!DISCONTINUITY_KINDS.has(f.discontinuity?.kind ?? '')) return `${where} has numeric facts without a known discontinuity`;
  if (!OVERFLOW_KINDS.has(f.overflow ?? '')) return `${where} has numeric facts without a known integer overflow`;
  return undefined;
}
