export const VERDICTS = [
  'ok',
  'wrong-result',
  'nan-mismatch',
  'crash',
  'hang',
  'compile-error',
  'runtime-error',
  'unsupported',
] as const;
export type VerdictKind = (typeof VERDICTS)[number];

/** Verdicts that are bugs (everything but ok and unsupported). */
export function isBug(v: VerdictKind): boolean {
  return v !== 'ok' && v !== 'unsupported';
}

/** The element where a SUT's output is furthest from the reference. */
export interface WorstElement {
  readonly output: string;
  /** Flat index and the multi-dimensional index of the element. */
  readonly index: number;
  readonly position: readonly number[];
  readonly expected: number;
  readonly actual: number;
  /** |actual - expected| over the allowed tolerance at that element (> 1 fails). */
  readonly errorRatio: number;
}

export interface Verdict {
  readonly kind: VerdictKind;
  readonly backend: string;
  /** What went wrong, in one line (for errors: the SUT's message). */
  readonly message?: string;
  readonly worst?: WorstElement;
}
