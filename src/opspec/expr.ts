/**
 * The symbolic integer language operator specs are written in. Expressions are plain data so that
 * the same spec can be (a) folded to numbers when every dim is concrete and (b) lowered to an SMT
 * solver by the generator. Builders fold constants eagerly, so a spec evaluated on a concrete model
 * never builds a tree at all.
 *
 * floordiv and mod follow Python (floor) semantics; specs only divide by positive numbers, where
 * this agrees with SMT-LIB's div and mod.
 */
export type IntExpr =
  | { readonly k: 'const'; readonly v: number }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: IntBinOp; readonly a: IntExpr; readonly b: IntExpr };

export type IntBinOp = 'add' | 'sub' | 'mul' | 'floordiv' | 'mod' | 'min' | 'max';

export type CmpOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type BoolExpr =
  | { readonly k: 'bconst'; readonly v: boolean; readonly label?: string }
  | { readonly k: CmpOp; readonly a: IntExpr; readonly b: IntExpr; readonly label?: string }
  | { readonly k: 'and' | 'or'; readonly args: readonly BoolExpr[]; readonly label?: string }
  | { readonly k: 'not'; readonly a: BoolExpr; readonly label?: string };

export type IntLike = IntExpr | number;

export function c(v: number): IntExpr {
  if (!Number.isInteger(v)) throw new Error(`symbolic integers must be integers, got ${v}`);
  return { k: 'const', v };
}

export function v(name: string): IntExpr {
  return { k: 'var', name };
}

export function lift(x: IntLike): IntExpr {
  return typeof x === 'number' ? c(x) : x;
}

export function constValue(x: IntLike): number | undefined {
  if (typeof x === 'number') return x;
  return x.k === 'const' ? x.v : undefined;
}

export function isConst(x: IntLike): boolean {
  return constValue(x) !== undefined;
}

const INT_OPS: Record<IntBinOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  floordiv: (a, b) => Math.floor(a / b),
  mod: (a, b) => a - b * Math.floor(a / b),
  min: Math.min,
  max: Math.max,
};

function bin(k: IntBinOp, x: IntLike, y: IntLike): IntExpr {
  const a = lift(x);
  const b = lift(y);
  if (a.k === 'const' && b.k === 'const') {
    if ((k === 'floordiv' || k === 'mod') && b.v === 0) throw new Error(`symbolic ${k} by zero`);
    return c(INT_OPS[k](a.v, b.v));
  }
  // Identities that keep symbolic trees small.
  if (k === 'add' && a.k === 'const' && a.v === 0) return b;
  if ((k === 'add' || k === 'sub') && b.k === 'const' && b.v === 0) return a;
  if (k === 'mul' && a.k === 'const' && a.v === 1) return b;
  if ((k === 'mul' || k === 'floordiv') && b.k === 'const' && b.v === 1) return a;
  return { k, a, b };
}

export const add = (a: IntLike, b: IntLike): IntExpr => bin('add', a, b);
export const sub = (a: IntLike, b: IntLike): IntExpr => bin('sub', a, b);
export const mul = (a: IntLike, b: IntLike): IntExpr => bin('mul', a, b);
export const floordiv = (a: IntLike, b: IntLike): IntExpr => bin('floordiv', a, b);
export const mod = (a: IntLike, b: IntLike): IntExpr => bin('mod', a, b);
export const min = (a: IntLike, b: IntLike): IntExpr => bin('min', a, b);
export const max = (a: IntLike, b: IntLike): IntExpr => bin('max', a, b);

export function sum(xs: readonly IntLike[]): IntExpr {
  return xs.reduce<IntExpr>((acc, x) => add(acc, x), c(0));
}

export function product(xs: readonly IntLike[]): IntExpr {
  return xs.reduce<IntExpr>((acc, x) => mul(acc, x), c(1));
}

const CMP_OPS: Record<CmpOp, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
};

function cmp(k: CmpOp, x: IntLike, y: IntLike): BoolExpr {
  const a = lift(x);
  const b = lift(y);
  if (a.k === 'const' && b.k === 'const') return { k: 'bconst', v: CMP_OPS[k](a.v, b.v) };
  return { k, a, b };
}

export const eq = (a: IntLike, b: IntLike): BoolExpr => cmp('eq', a, b);
export const ne = (a: IntLike, b: IntLike): BoolExpr => cmp('ne', a, b);
export const lt = (a: IntLike, b: IntLike): BoolExpr => cmp('lt', a, b);
export const le = (a: IntLike, b: IntLike): BoolExpr => cmp('le', a, b);
export const gt = (a: IntLike, b: IntLike): BoolExpr => cmp('gt', a, b);
export const ge = (a: IntLike, b: IntLike): BoolExpr => cmp('ge', a, b);

export const TRUE: BoolExpr = { k: 'bconst', v: true };
export const FALSE: BoolExpr = { k: 'bconst', v: false };

export function and(...args: readonly BoolExpr[]): BoolExpr {
  const rest: BoolExpr[] = [];
  for (const x of args) {
    if (x.k === 'bconst') {
      if (!x.v) return FALSE;
    } else rest.push(x);
  }
  if (rest.length === 0) return TRUE;
  return rest.length === 1 ? rest[0]! : { k: 'and', args: rest };
}

export function or(...args: readonly BoolExpr[]): BoolExpr {
  const rest: BoolExpr[] = [];
  for (const x of args) {
    if (x.k === 'bconst') {
      if (x.v) return TRUE;
    } else rest.push(x);
  }
  if (rest.length === 0) return FALSE;
  return rest.length === 1 ? rest[0]! : { k: 'or', args: rest };
}

export function not(a: BoolExpr): BoolExpr {
  if (a.k === 'bconst') return { k: 'bconst', v: !a.v };
  return { k: 'not', a };
}

/** lo <= x <= hi */
export function between(x: IntLike, lo: IntLike, hi: IntLike): BoolExpr {
  return and(le(lo, x), le(x, hi));
}

/** Attaches a human-readable statement of the rule, shown when a concrete model breaks it. */
export function rule(label: string, e: BoolExpr): BoolExpr {
  return { ...e, label };
}

export type Env = (name: string) => number | undefined;

/** Evaluates with the variables the environment knows; undefined if one is missing. */
export function evalInt(e: IntExpr, env: Env): number | undefined {
  switch (e.k) {
    case 'const':
      return e.v;
    case 'var':
      return env(e.name);
    default: {
      const a = evalInt(e.a, env);
      if (a === undefined) return undefined;
      const b = evalInt(e.b, env);
      if (b === undefined) return undefined;
      if ((e.k === 'floordiv' || e.k === 'mod') && b === 0) return undefined;
      return INT_OPS[e.k](a, b);
    }
  }
}

export function evalBool(e: BoolExpr, env: Env): boolean | undefined {
  switch (e.k) {
    case 'bconst':
      return e.v;
    case 'and': {
      let unknown = false;
      for (const x of e.args) {
        const r = evalBool(x, env);
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const x of e.args) {
        const r = evalBool(x, env);
        if (r === true) return true;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'not': {
      const r = evalBool(e.a, env);
      return r === undefined ? undefined : !r;
    }
    default: {
      const a = evalInt(e.a, env);
      const b = evalInt(e.b, env);
      if (a === undefined || b === undefined) return undefined;
      return CMP_OPS[e.k](a, b);
    }
  }
}

/** Collects the variable names an expression mentions. */
export function varsOf(e: IntExpr | BoolExpr, into: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case 'const':
    case 'bconst':
      break;
    case 'var':
      into.add(e.name);
      break;
    case 'and':
    case 'or':
      for (const x of e.args) varsOf(x, into);
      break;
    case 'not':
      varsOf(e.a, into);
      break;
    default:
      varsOf(e.a, into);
      varsOf(e.b, into);
  }
  return into;
}

const INT_SYMBOLS: Record<IntBinOp, string> = { add: '+', sub: '-', mul: '*', floordiv: '//', mod: '%', min: 'min', max: 'max' };
const CMP_SYMBOLS: Record<CmpOp, string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

export function showInt(e: IntExpr): string {
  switch (e.k) {
    case 'const':
      return String(e.v);
    case 'var':
      return e.name;
    case 'min':
    case 'max':
      return `${e.k}(${showInt(e.a)}, ${showInt(e.b)})`;
    default:
      return `(${showInt(e.a)} ${INT_SYMBOLS[e.k]} ${showInt(e.b)})`;
  }
}

export function showBool(e: BoolExpr): string {
  switch (e.k) {
    case 'bconst':
      return String(e.v);
    case 'and':
    case 'or':
      return '(' + e.args.map(showBool).join(e.k === 'and' ? ' && ' : ' || ') + ')';
    case 'not':
      return `!${showBool(e.a)}`;
    default:
      return `${showInt(e.a)} ${CMP_SYMBOLS[e.k]} ${showInt(e.b)}`;
  }
}
