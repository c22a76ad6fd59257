import { constValue, type BoolExpr, type IntExpr } from '../opspec/expr.js';

/**
 * Values worth trying first for new variables: 1, the dims already in the graph, and the constants
 * of the constraints with their small divisors (a Reshape target's dims divide the element count).
 */
export function collectHints(constraints: readonly BoolExpr[], existing: Iterable<number>): number[] {
  const hints = new Set<number>([1, ...existing]);
  for (const k of constraints) collectConstants(k, hints);
  return [...hints].filter((h) => h >= 0 && h <= 64).sort((a, b) => a - b);
}

function collectConstants(e: BoolExpr | IntExpr, into: Set<number>): void {
  const k = constValue(e as IntExpr);
  if ((e as IntExpr).k === 'const' && k !== undefined) {
    into.add(k);
    for (let d = 2; d <= Math.min(k, 64); d++) if (k % d === 0) into.add(d);
    return;
  }
  for (const child of Object.values(e)) {
    if (child && typeof child === 'object') {
      if (Array.isArray(child)) for (const x of child) collectConstants(x as BoolExpr, into);
      else collectConstants(child as BoolExpr, into);
    }
  }
}
