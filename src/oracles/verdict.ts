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

/** Wrong values and NaN/Inf where the reference has none (or the other way round): one class of bug. */
export function isNumeric(v: VerdictKind): boolean {
  return v === 'wrong-result' || v === 'nan-mismatch';
}

/**
 * The class a bug verdict belongs to, for signatures and for the reducer: wrong-result and
 * nan-mismatch are one class, 'numeric' (a wrong value may turn into NaN downstream, and a
 * reduction may move between them); every other verdict is its own class.
 */
export type BugClass = 'numeric' | Exclude<VerdictKind, 'ok' | 'unsupported' | 'wrong-result' | 'nan-mismatch'>;

export function bugClass(v: VerdictKind): BugClass | undefined {
  switch (v) {
    case 'ok':
    case 'unsupported':
      return undefined;
    case 'wrong-result':
    case 'nan-mismatch':
      return 'numeric';
    default:
      return v;
  }
}

/**
 * How SUTs say that memory was read or written out of bounds: WebAssembly's trap, Emscripten's
 * abort, the signals of a native fault, a sanitizer's report.
 */
export const MEMORY_VIOLATION: readonly RegExp[] = [
  /memory access out of bounds/i,
  /out of bounds memory access/i,
  /\bAborted\(\)/,
  /\bSIG(?:SEGV|BUS)\b/,
  /heap-buffer-overflow|stack-buffer-overflow|use-after-free/i,
];

/** Whether a crash or error is a memory violation (see MEMORY_VIOLATION). */
export function isMemoryViolation(v: Pick<Verdict, 'kind' | 'message'>): boolean {
  return (v.kind === 'crash' || v.kind === 'runtime-error') && MEMORY_VIOLATION.some((p) => p.test(v.message ?? ''));
}

/**
 * The class of a verdict for signatures and the reducer: bugClass, except that a memory violation is
 * its own class, 'memory', whatever its message (an out-of-bounds read traps, aborts or returns
 * garbage depending on where it lands).
 */
export function defectClass(v: Pick<Verdict, 'kind' | 'message'>): BugClass | 'memory' | undefined {
  return isMemoryViolation(v) ? 'memory' : bugClass(v.kind);
}

/**
 * Whether two classes may be one defect: equal, or a memory violation and wrong values (reading
 * memory out of bounds gives a fault or garbage, as it happens).
 */
export function sameDefectClass(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  const valueOrMemory = new Set(['numeric', 'memory']);
  return valueOrMemory.has(a) && valueOrMemory.has(b);
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
  /**
   * Judged by error bounds: the bound a correct float32 computation may be off by at that element
   * (the allowed difference is the oracle's safety factor times it); absent under fixed tolerances.
   */
  readonly bound?: number;
}

export interface Verdict {
  readonly kind: VerdictKind;
  readonly backend: string;
  /** What went wrong, in one line (for errors: the SUT's message). */
  readonly message?: string;
  /**
   * For `unsupported`: why, as a short key that campaigns count by ("does not implement Relu(int64)",
   * "known deviation: ..."), free of node names and values.
   */
  readonly reason?: string;
  readonly worst?: WorstElement;
}
