import { init, type Z3_context, type Z3_solver } from 'z3-solver';
import { and, evalBool, ge, le, v, type BoolExpr } from '../../opspec/expr.js';
import type { Rng } from '../rng.js';
import { Z3Lowering, type Z3Api } from './lower.js';

let loading: Promise<Z3Api> | undefined;

/** Loads z3's WebAssembly once per process (it keeps worker threads: CLIs exit explicitly). */
export function loadZ3(): Promise<Z3Api> {
  loading ??= init().then(({ Z3 }) => Z3);
  return loading;
}

/** How the generator asks z3: committed constraints stay in the solver; a new node is tried on top. */
export interface SolverFallback {
  /**
   * Finds values for every variable that satisfy all committed constraints and the new ones, or
   * undefined. On success the new constraints are committed.
   */
  extend(args: {
    constraints: readonly BoolExpr[];
    domains: ReadonlyMap<string, readonly [number, number]>;
    newVars: readonly string[];
    /** Constraints the answer must also satisfy, checked by evaluation rather than sent to z3. */
    verify: readonly BoolExpr[];
  }): Promise<Map<string, number> | undefined>;
  commit(constraints: readonly BoolExpr[], domains: ReadonlyMap<string, readonly [number, number]>): void;
  readonly checks: number;
  /** Frees the solver and its context. */
  dispose(): void;
}

/**
 * z3's deterministic resource limit per check. Shape constraints are non-linear (products of dims);
 * an occasional query would otherwise run for seconds. A wall-clock timeout would make generation
 * depend on the machine's speed; rlimit does not.
 */
const RESOURCE_LIMIT_PER_CHECK = 2_000;

const Z3_L_TRUE = 1;
const Z3_L_FALSE = -1;

/**
 * One z3 context and solver per generated model: z3's heuristics depend on every term a context has
 * seen, so a shared context would make a seed's model depend on the seeds generated before it.
 * New variables are nudged into a random bin of their domain (as check assumptions) so that z3's
 * answers spread over the domain instead of clustering at the smallest values.
 */
export class Z3Fallback implements SolverFallback {
  private readonly ctx: Z3_context;
  private readonly solver: Z3_solver;
  private readonly lowering: Z3Lowering;
  private readonly bounded = new Set<string>();
  checks = 0;

  constructor(
    private readonly z3: Z3Api,
    private readonly rng: Rng,
  ) {
    const cfg = z3.mk_config();
    this.ctx = z3.mk_context(cfg);
    z3.del_config(cfg);
    this.solver = z3.mk_solver(this.ctx);
    z3.solver_inc_ref(this.ctx, this.solver);
    const params = z3.mk_params(this.ctx);
    z3.params_inc_ref(this.ctx, params);
    z3.params_set_uint(this.ctx, params, z3.mk_string_symbol(this.ctx, 'rlimit'), RESOURCE_LIMIT_PER_CHECK);
    z3.solver_set_params(this.ctx, this.solver, params);
    this.lowering = new Z3Lowering(z3, this.ctx);
  }

  dispose(): void {
    this.z3.solver_dec_ref(this.ctx, this.solver);
    this.z3.del_context(this.ctx);
  }

  commit(constraints: readonly BoolExpr[], domains: ReadonlyMap<string, readonly [number, number]>): void {
    for (const c of this.withDomains(constraints, domains)) this.z3.solver_assert(this.ctx, this.solver, this.lowering.bool(c));
  }

  async extend(args: {
    constraints: readonly BoolExpr[];
    domains: ReadonlyMap<string, readonly [number, number]>;
    newVars: readonly string[];
    verify: readonly BoolExpr[];
  }): Promise<Map<string, number> | undefined> {
    const { z3, ctx, solver } = this;
    const added = this.withDomains(args.constraints, args.domains);
    z3.solver_push(ctx, solver);
    for (const c of added) z3.solver_assert(ctx, solver, this.lowering.bool(c));
    // Bins on a couple of the new variables: enough to spread answers, few enough to stay satisfiable.
    const bins = this.rng
      .shuffle(args.newVars)
      .slice(0, 2)
      .map((name) => {
        const [lo, hi] = args.domains.get(name)!;
        const width = Math.max(1, Math.ceil((hi - lo + 1) / 2));
        const start = this.rng.int(lo, Math.max(lo, hi - width + 1));
        return this.lowering.bool(and(ge(v(name), start), le(v(name), start + width - 1)));
      });
    let result = await this.check(bins);
    // Unsatisfiable bins: try once without them. Undecided (the resource limit) would only repeat.
    if (result === Z3_L_FALSE && bins.length > 0) result = await this.check([]);
    if (result !== Z3_L_TRUE) return this.abandon(added);
    const model = z3.solver_get_model(ctx, solver);
    z3.model_inc_ref(ctx, model);
    const witness = new Map<string, number>();
    for (const name of args.domains.keys()) {
      const value = z3.model_eval(ctx, model, this.lowering.variable(name), true);
      const n = value === null ? NaN : Number(z3.get_numeral_string(ctx, value));
      if (!Number.isInteger(n)) return this.abandon(added);
      witness.set(name, n);
    }
    if (!args.verify.every((c) => evalBool(c, (k) => witness.get(k)) === true)) return this.abandon(added);
    return witness;
  }

  private async check(assumptions: Parameters<Z3Api['solver_check_assumptions']>[2]): Promise<number> {
    this.checks++;
    return assumptions.length === 0
      ? this.z3.solver_check(this.ctx, this.solver)
      : this.z3.solver_check_assumptions(this.ctx, this.solver, assumptions);
  }

  private abandon(added: readonly BoolExpr[]): undefined {
    this.z3.solver_pop(this.ctx, this.solver, 1);
    for (const c of added) if ((c.k === 'ge' || c.k === 'le') && c.a.k === 'var') this.bounded.delete(c.a.name);
    return undefined;
  }

  /** Domain bounds of variables the solver has not seen yet, then the constraints. */
  private withDomains(constraints: readonly BoolExpr[], domains: ReadonlyMap<string, readonly [number, number]>): BoolExpr[] {
    const out: BoolExpr[] = [];
    for (const [name, [lo, hi]] of domains) {
      if (this.bounded.has(name)) continue;
      this.bounded.add(name);
      out.push(ge(v(name), lo), le(v(name), hi));
    }
    return [...out, ...constraints];
  }
}
