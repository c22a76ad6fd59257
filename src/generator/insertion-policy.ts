import type { OpSpec } from '../opspec/spec.js';
import type { Pattern } from './patterns/pattern.js';
import type { Rng } from './rng.js';

/**
 * The share of insertion steps that are rewrite patterns by default. Measured with
 * `npm run bench:coverage` (see bench/coverage.mjs and the README): it reaches most rewrites while
 * most nodes stay single ops, whose random neighbours are what breaks a rewrite's assumptions.
 */
export const DEFAULT_PATTERN_SHARE = 0.3;

/** Share of single-op steps that insert backward (a new op produces an existing graph input). */
const BACKWARD_SHARE = 0.3;
/** Share of pattern steps that insert backward. */
const PATTERN_BACKWARD_SHARE = 0.2;
/** Share of pattern steps that insert a near miss of the chosen pattern rather than the pattern. */
const NEAR_MISS_SHARE = 0.35;

/** Coverage so far: how many tests fired each rewrite (on whichever SUT fired it most). */
export type RewriteHits = Readonly<Record<string, number>>;

export type InsertionStep =
  | { readonly kind: 'op'; readonly spec: OpSpec; readonly backward: boolean }
  | { readonly kind: 'pattern'; readonly pattern: Pattern; readonly backward: boolean };

export interface InsertionPolicy {
  readonly name: string;
  /** The next step, given how many nodes the model may still take. */
  next(rng: Rng, nodesLeft: number): InsertionStep;
}

/**
 * The rewrites a pattern is about: its targets on every SUT family, or, for a near miss, those of
 * the pattern it departs from (a near miss matters where its hit is still rare).
 */
export function rewritesAbout(pattern: Pattern, byName: ReadonlyMap<string, Pattern>): string[] {
  const of = pattern.nearMiss ? byName.get(pattern.nearMiss.of) : pattern;
  return Object.values(of?.targets ?? {}).flat();
}

/**
 * How strongly guidance favours a pattern: 1 / sqrt(1 + tests that fired its rarest rewrite). A
 * rewrite no test fired yet weighs 1; one fired by 99 tests 0.1. Without guidance every pattern
 * weighs 1.
 */
export function patternWeights(patterns: readonly Pattern[], hits: RewriteHits | undefined): number[] {
  const byName = new Map(patterns.map((p) => [p.name, p]));
  return patterns.map((p) => {
    if (!hits) return 1;
    const about = rewritesAbout(p, byName);
    if (about.length === 0) return 1;
    return 1 / Math.sqrt(1 + Math.min(...about.map((r) => hits[r] ?? 0)));
  });
}

/**
 * Single ops under guidance: an op weighs what the heaviest pattern it appears in weighs (an op of
 * an unreached fusion is picked more often on its own too); an op in no pattern weighs the mean.
 */
export function opWeights(specs: readonly OpSpec[], patterns: readonly Pattern[], weights: readonly number[]): number[] {
  const mean = weights.length > 0 ? weights.reduce((a, b) => a + b, 0) / weights.length : 1;
  return specs.map((spec) => {
    const mine = patterns.flatMap((p, i) => (p.steps.some((s) => s.op === spec.name) ? [weights[i]!] : []));
    return mine.length > 0 ? Math.max(...mine) : mean;
  });
}

/**
 * The generator's policy: a pattern with probability `patternShare` (one that fits the nodes left),
 * else one op; backward insertion at a fixed share when a solver is at hand. With guidance,
 * patterns and ops are weighted by patternWeights and opWeights; without it and at share 0 the
 * random stream is the one single-op generation has always used.
 */
export function mixedPolicy(args: {
  specs: readonly OpSpec[];
  patterns: readonly Pattern[];
  patternShare: number;
  backward: boolean;
  guidance?: RewriteHits;
}): InsertionPolicy {
  const { specs, patternShare, backward } = args;
  // Patterns are chosen among those a rewrite should fire on; a near miss then stands in for one.
  const patterns = args.patterns.filter((p) => !p.nearMiss);
  const nearMisses = new Map<string, Pattern[]>(patterns.map((p) => [p.name, args.patterns.filter((n) => n.nearMiss?.of === p.name)]));
  const pWeights = patternWeights(patterns, args.guidance);
  const oWeights = args.guidance ? opWeights(specs, patterns, pWeights) : undefined;
  return {
    name: args.guidance ? 'mixed, coverage-guided' : 'mixed',
    next(rng, nodesLeft) {
      if (patternShare > 0 && rng.bool(patternShare)) {
        const fitting = patterns.flatMap((p, i) => (p.steps.length <= nodesLeft ? [i] : []));
        if (fitting.length > 0) {
          const chosen = patterns[rng.pickWeighted(fitting, fitting.map((k) => pWeights[k]!))]!;
          const misses = nearMisses.get(chosen.name)!.filter((p) => p.steps.length <= nodesLeft);
          const pattern = misses.length > 0 && rng.bool(NEAR_MISS_SHARE) ? rng.pick(misses) : chosen;
          return { kind: 'pattern', pattern, backward: backward && rng.bool(PATTERN_BACKWARD_SHARE) };
        }
      }
      const spec = oWeights ? rng.pickWeighted(specs, oWeights) : rng.pick(specs);
      return { kind: 'op', spec, backward: backward && rng.bool(BACKWARD_SHARE) };
    },
  };
}
