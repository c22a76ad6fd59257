import type { Z3_ast, Z3_context, Z3_sort, Z3LowLevel } from 'z3-solver';
import type { BoolExpr, IntExpr } from '../../opspec/expr.js';

export type Z3Api = Z3LowLevel['Z3'];

/**
 * Lowers the spec language to z3 terms in one context (through z3's C-level API, whose contexts
 * can be deleted: the high-level API never frees a context). floordiv/mod become z3's div/mod,
 * which agree with floor semantics for the positive divisors specs use; min/max become if-then-else.
 */
export class Z3Lowering {
  private readonly vars = new Map<string, Z3_ast>();
  private readonly intSort: Z3_sort;

  constructor(
    private readonly z3: Z3Api,
    private readonly ctx: Z3_context,
  ) {
    this.intSort = z3.mk_int_sort(ctx);
  }

  variable(name: string): Z3_ast {
    let x = this.vars.get(name);
    if (!x) {
      x = this.z3.mk_const(this.ctx, this.z3.mk_string_symbol(this.ctx, name), this.intSort);
      this.vars.set(name, x);
    }
    return x;
  }

  int(e: IntExpr): Z3_ast {
    const { z3, ctx } = this;
    switch (e.k) {
      case 'const':
        return z3.mk_int64(ctx, BigInt(e.v), this.intSort);
      case 'var':
        return this.variable(e.name);
      case 'add':
        return z3.mk_add(ctx, [this.int(e.a), this.int(e.b)]);
      case 'sub':
        return z3.mk_sub(ctx, [this.int(e.a), this.int(e.b)]);
      case 'mul':
        return z3.mk_mul(ctx, [this.int(e.a), this.int(e.b)]);
      case 'floordiv':
        return z3.mk_div(ctx, this.int(e.a), this.int(e.b));
      case 'mod':
        return z3.mk_mod(ctx, this.int(e.a), this.int(e.b));
      case 'min':
      case 'max': {
        const a = this.int(e.a);
        const b = this.int(e.b);
        const aFirst = e.k === 'min' ? z3.mk_le(ctx, a, b) : z3.mk_ge(ctx, a, b);
        return z3.mk_ite(ctx, aFirst, a, b);
      }
    }
  }

  bool(e: BoolExpr): Z3_ast {
    const { z3, ctx } = this;
    switch (e.k) {
      case 'bconst':
        return e.v ? z3.mk_true(ctx) : z3.mk_false(ctx);
      case 'and':
        return z3.mk_and(ctx, e.args.map((x) => this.bool(x)));
      case 'or':
        return z3.mk_or(ctx, e.args.map((x) => this.bool(x)));
      case 'not':
        return z3.mk_not(ctx, this.bool(e.a));
      case 'eq':
        return z3.mk_eq(ctx, this.int(e.a), this.int(e.b));
      case 'ne':
        return z3.mk_not(ctx, z3.mk_eq(ctx, this.int(e.a), this.int(e.b)));
      case 'lt':
        return z3.mk_lt(ctx, this.int(e.a), this.int(e.b));
      case 'le':
        return z3.mk_le(ctx, this.int(e.a), this.int(e.b));
      case 'gt':
        return z3.mk_gt(ctx, this.int(e.a), this.int(e.b));
      case 'ge':
        return z3.mk_ge(ctx, this.int(e.a), this.int(e.b));
    }
  }
}
