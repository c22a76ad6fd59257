import { and, c, constValue, eq, type BoolExpr, type IntExpr, lt, ge, max, or, rule } from './expr.js';

/** Numpy broadcasting of two symbolic shapes: the constraints and the result. */
export function broadcast(a: readonly IntExpr[], b: readonly IntExpr[]): { requires: BoolExpr[]; shape: IntExpr[] } {
  return broadcastMany([a, b]);
}

export function broadcastMany(shapes: readonly (readonly IntExpr[])[]): { requires: BoolExpr[]; shape: IntExpr[] } {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const requires: BoolExpr[] = [];
  const shape: IntExpr[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = shapes.map((s) => s[s.length - rank + i]).filter((d): d is IntExpr => d !== undefined);
    let out = dims[0]!;
    for (const d of dims.slice(1)) {
      requires.push(rule(`dims ${i - rank} broadcast`, or(eq(out, d), eq(out, 1), eq(d, 1))));
      out = broadcastDim(out, d);
    }
    shape.push(out);
  }
  return { requires, shape };
}

function broadcastDim(a: IntExpr, b: IntExpr): IntExpr {
  const x = constValue(a);
  const y = constValue(b);
  // With concrete dims, exact numpy rules (a 0 broadcast against 1 stays 0).
  if (x !== undefined && y !== undefined) return c(x === 1 ? y : x);
  if (x === 1) return b;
  if (y === 1) return a;
  // Dims the generator makes are >= 1, where max() is the broadcast result.
  return max(a, b);
}

/** Normalizes an axis in [-rank, rank-1] to [0, rank-1]; throws outside. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (axis < -rank || axis >= rank) throw new RangeError(`${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function axisInRange(axis: IntExpr, rank: number): BoolExpr {
  return rule(`axis in [${-rank}, ${rank - 1}]`, and(ge(axis, -rank), lt(axis, rank)));
}

/** Every dim is at least 1 (the generator never makes empty tensors). */
export function positiveDims(shape: readonly IntExpr[]): BoolExpr[] {
  return shape.map((d) => ge(d, 1));
}

export function allConst(xs: readonly IntExpr[]): number[] | undefined {
  const out: number[] = [];
  for (const x of xs) {
    const v = constValue(x);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}
