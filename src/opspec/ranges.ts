import { ANY, hull, interval, widen, type Interval, type IntervalFlags } from './interval.js';
import type { NumericFacts, RangeFacts } from './numeric.js';

/** Range facts the specs share: the common shapes of interval transfer. */

export interface MonotoneOptions {
  /** Where the function is defined: input ends are clamped into it (Log's domain rule starts at 1e-3). */
  readonly domain?: readonly [number, number];
  /** The inverse, for backward requirements, with the open range the function maps onto. */
  readonly inverse?: { readonly f: (y: number) => number; readonly image: readonly [number, number] };
  readonly keepsZero?: boolean;
}

/** An increasing function of the only input: the ends map to the ends, and back through the inverse. */
export function monotone(f: (x: number) => number, options: MonotoneOptions = {}): RangeFacts {
  const [dlo, dhi] = options.domain ?? [-Infinity, Infinity];
  const clamp = (x: number) => Math.min(dhi, Math.max(dlo, x));
  const inverse = options.inverse;
  return {
    forward: ([x]) => interval(f(clamp(x!.lo)), f(clamp(x!.hi))),
    ...(inverse ? { backward: (out: Interval) => [inverseRange(inverse.f, inverse.image, out)] } : {}),
    ...(options.keepsZero ? { keepsZero: true } : {}),
  };
}

/** The inputs an increasing function with this inverse maps into `out`; outside the image an end maps to the end of the input line. */
function inverseRange(f: (y: number) => number, [lo, hi]: readonly [number, number], out: Interval): Interval {
  const at = (y: number, end: number) => {
    const x = y <= lo ? -Infinity : y >= hi ? Infinity : f(y);
    return Number.isNaN(x) ? end : x;
  };
  return interval(at(out.lo, -Infinity), at(out.hi, Infinity));
}

/** Outputs within [lo, hi] whatever the inputs (Sigmoid-like squashing, HardSigmoid, Softmax). */
export function bounded(lo: number, hi: number, flags: IntervalFlags = {}, keepsZero = false): RangeFacts {
  return { forward: () => interval(lo, hi, flags), ...(keepsZero ? { keepsZero } : {}) };
}

/**
 * Activations that keep x for x > 0, up to a factor of at most `scale` >= 1 (Selu's gamma is drawn
 * in [1, 1.5]), and map negatives to negatives, with f(0) = 0: an upper bound on the output bounds
 * the input, and so does a positive lower bound (x >= l for a scale of 1; x > 0 at least).
 */
export function positiveIdentity(scale: number): RangeFacts {
  return {
    forward: ([x]) => interval(x!.lo >= 0 ? x!.lo : -Infinity, x!.hi <= 0 ? 0 : x!.hi * scale),
    backward: (out) => [interval(out.lo > 0 ? out.lo / scale : -Infinity, out.hi >= 0 ? out.hi : 0)],
    keepsZero: true,
  };
}

/** Outputs hold elements of the first data input (Reshape, Gather...) or of every input (Concat), unchanged. */
export function copiesOf(which: 'first' | 'all'): RangeFacts {
  return {
    forward: which === 'all' ? hull : ([x]) => x ?? ANY,
    backward: (out, inputCount) => Array.from({ length: inputCount }, (_, i) => (which === 'all' || i === 0 ? out : undefined)),
    copies: which,
  };
}

/** A rounding of the only input to integers (Floor, Ceil, Round): the ends round alike, and the input lies within 1 of the output. */
export function rounding(f: (x: number) => number): RangeFacts {
  return {
    forward: ([x]) => interval(f(x!.lo), f(x!.hi), { integral: true }),
    backward: (out) => [widen(out, 1)],
    keepsZero: true,
  };
}

/** Ops that only move, pick or copy elements of their first input: every value comes through unchanged. */
export const COPY_FACTS: NumericFacts = {
  range: copiesOf('first'),
  exactness: { kind: 'copies' },
  discontinuity: { kind: 'none' },
  overflow: 'never',
};
