import { evalBool, varsOf, type BoolExpr } from '../opspec/expr.js';
import type { Rng } from './rng.js';

export interface SolveProblem {
  /** Variable name -> inclusive domain: the variables to find values for. */
  readonly domains: ReadonlyMap<string, readonly [number, number]>;
  /** Variables whose values are already fixed (the witness of earlier nodes). */
  readonly fixed?: ReadonlyMap<string, number>;
  readonly constraints: readonly BoolExpr[];
  /** Values worth trying first for every variable (constants of the constraints, existing dims). */
  readonly hints: readonly number[];
}

/**
 * Randomized backtracking over small integer domains: variables in random order, each tried on a
 * shuffled mix of hint values and uniform draws; a constraint is checked as soon as all its
 * variables are assigned. Returns undefined when no solution turns up within the budget.
 * The generators' fast path: z3 is only asked when this fails.
 */
export function solveRandom(problem: SolveProblem, rng: Rng, budget = 4000): Map<string, number> | undefined {
  const names = rng.shuffle([...problem.domains.keys()]);
  const assignment = new Map<string, number>();
  const env = (n: string) => assignment.get(n) ?? problem.fixed?.get(n);
  // Each constraint is checked when the last of its variables gets a value.
  const position = new Map(names.map((n, i) => [n, i]));
  const checksAt: BoolExpr[][] = names.map(() => []);
  for (const c of problem.constraints) {
    const vars = [...varsOf(c)];
    if (vars.length === 0) {
      if (evalBool(c, env) !== true) return undefined;
      continue;
    }
    const open = vars.filter((v) => !problem.fixed?.has(v));
    if (open.length === 0) {
      if (evalBool(c, env) !== true) return undefined;
      continue;
    }
    const last = Math.max(...open.map((v) => position.get(v) ?? Infinity));
    if (!Number.isFinite(last)) throw new Error(`constraint mentions a variable with no domain: ${open.join(', ')}`);
    checksAt[last]!.push(c);
  }
  let steps = 0;
  const candidates = (name: string): number[] => {
    const [lo, hi] = problem.domains.get(name)!;
    const hints = new Set<number>();
    for (const h of rng.shuffle(problem.hints)) if (h >= lo && h <= hi && hints.size < 8) hints.add(h);
    const rest = new Set<number>();
    const span = hi - lo + 1;
    if (span <= 16) for (let x = lo; x <= hi; x++) rest.add(x);
    else for (let i = 0; i < 8; i++) rest.add(rng.int(lo, hi));
    for (const h of hints) rest.delete(h);
    // Mostly hints first (dims that match existing values make constraints hold), sometimes not,
    // so that values still spread over the domain.
    return rng.bool(0.7) ? [...rng.shuffle([...hints]), ...rng.shuffle([...rest])] : rng.shuffle([...hints, ...rest]);
  };
  const search = (i: number): boolean => {
    if (i === names.length) return true;
    const name = names[i]!;
    for (const value of candidates(name)) {
      if (++steps > budget) return false;
      assignment.set(name, value);
      if (checksAt[i]!.every((c) => evalBool(c, env) === true) && search(i + 1)) return true;
    }
    assignment.delete(name);
    return false;
  };
  return search(0) ? assignment : undefined;
}
