import type { DomainRule } from './spec.js';

/**
 * The values a tensor's elements can take, as an interval: integral when they are integers (Round,
 * Sign, any int32 value...), nonzero when zero is out of reach in practice (Sign's zero needs an
 * exact 0 input).
 */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly integral?: boolean;
  readonly nonzero?: boolean;
  /** Some elements are exactly zero whatever the inputs (Trilu's masked half). */
  readonly zeros?: boolean;
}

export interface IntervalFlags {
  readonly integral?: boolean;
  readonly nonzero?: boolean;
  readonly zeros?: boolean;
}

/** Every value: what an op without a range fact may output. */
export const ANY: Interval = { lo: -Infinity, hi: Infinity };

/** [lo, hi] with the flags that are set (false ones are left out, so that equal intervals compare equal). */
export function interval(lo: number, hi: number, flags: IntervalFlags = {}): Interval {
  return {
    lo,
    hi,
    ...(flags.integral === true ? { integral: true } : {}),
    ...(flags.nonzero === true ? { nonzero: true } : {}),
    ...(flags.zeros === true ? { zeros: true } : {}),
  };
}

/** The intersection, or undefined when no value (no integer, for integral ones) lies in both. */
export function intersect(a: Interval, b: Interval): Interval | undefined {
  const zeros = a.zeros === true || b.zeros === true;
  if (zeros && !(Math.max(a.lo, b.lo) <= 0 && Math.min(a.hi, b.hi) >= 0)) return undefined;
  const integral = a.integral === true || b.integral === true;
  const nonzero = a.nonzero === true || b.nonzero === true;
  let lo = Math.max(a.lo, b.lo);
  let hi = Math.min(a.hi, b.hi);
  if (integral) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
    if (nonzero && lo === 0) lo = 1;
    if (nonzero && hi === 0) hi = -1;
  }
  if (lo > hi || (!integral && lo === hi)) return undefined;
  if (integral && nonzero && lo === 0 && hi === 0) return undefined;
  return interval(lo, hi, { integral, nonzero, zeros });
}

/** The smallest interval holding every one of xs (integral if they all are). */
export function hull(xs: readonly Interval[]): Interval {
  return interval(Math.min(...xs.map((x) => x.lo)), Math.max(...xs.map((x) => x.hi)), {
    integral: xs.every((x) => x.integral === true),
    zeros: xs.some((x) => x.zeros === true),
  });
}

/** a + b for a in one interval and b in the other. */
export function sum(a: Interval, b: Interval): Interval {
  return interval(a.lo + b.lo, a.hi + b.hi, { integral: a.integral === true && b.integral === true });
}

/** -x for x in the interval. */
export function negate(x: Interval): Interval {
  return interval(-x.hi, -x.lo, { integral: x.integral === true, nonzero: x.nonzero === true });
}

/** a * b for a in one interval and b in the other. */
export function product(a: Interval, b: Interval): Interval {
  const corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  if (corners.some(Number.isNaN)) return ANY; // 0 * inf
  return interval(Math.min(...corners), Math.max(...corners), { integral: a.integral === true && b.integral === true });
}

/** [lo - by, hi + by]. */
export function widen(x: Interval, by: number): Interval {
  return interval(x.lo - by, x.hi + by);
}

/** The domain rule's min/max as an interval; minAbs is checked apart (it is not convex). */
export function ruleInterval(rule: DomainRule): Interval {
  return interval(rule.min ?? -Infinity, rule.max ?? Infinity);
}
