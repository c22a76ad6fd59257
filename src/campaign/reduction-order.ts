import { isNumeric } from '../oracles/verdict.js';
import type { BugBook } from './bug-book.js';
import type { PendingReduction } from './findings.js';

/**
 * Which waiting bug to reduce next (its index in `pending`), when reduction time is scarce (a
 * browser SUT judges a candidate in a second or more). First a finding in a model the SUT's
 * recorded bugs name (a corpus bug that failed another way than its case): reduced, it is most
 * likely that known bug, and left unreduced it would be listed as new. Then errors: each sighting
 * costs a worker restart until a reduced trigger lets the campaign skip it. Then a bug whose kind
 * (family, class and message) no reduced bug has yet: reducing one of a kind lets the others that
 * hold its trigger merge into it unreduced. Then the smallest model: its reduction is the cheapest.
 */
export function nextReduction(pending: readonly PendingReduction[], book: BugBook): number {
  const reducedKinds = new Set(book.values().filter((b) => b.reduced).map((b) => kindKey(b.family, b.class, b.pattern)));
  let best = -1;
  let bestKey: readonly number[] = [];
  pending.forEach((p, i) => {
    const listed = book.get(p.signature);
    const kindReduced = listed ? reducedKinds.has(kindKey(listed.family, listed.class, listed.pattern)) : false;
    const key = [p.outcome.knownBug ? 0 : 1, isNumeric(p.outcome.verdict.kind) ? 1 : 0, kindReduced ? 1 : 0, p.test.model.nodes.length];
    if (best < 0 || lexicallyBefore(key, bestKey)) {
      best = i;
      bestKey = key;
    }
  });
  return best;
}

function kindKey(family: string, cls: string, pattern: string): string {
  return `${family}\u0000${cls}\u0000${pattern}`;
}

function lexicallyBefore(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
