import type { ReportBug } from './document.js';
import { formatNumber, formatPosition, formatRatio, plural } from './text.js';

/** What each bug verdict means, for people reading a report and for SARIF rule descriptions. */
export const VERDICT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'wrong-result': "The system under test computed an output that differs from the reference runtime's by more than the oracle allows (a multiple of the error a correct float32 computation may have there, or the fixed tolerance).",
  'nan-mismatch': 'The system under test computed NaN or Inf where the reference runtime computed another value, or the reverse.',
  crash: "The system under test's process died (a signal, an abort, an uncaught exception or the memory limit).",
  hang: 'The system under test did not finish compiling or running the model within the timeout.',
  'compile-error': 'The system under test refused to compile (load) a valid model.',
  'runtime-error': 'The system under test threw an error while running a valid model.',
};

export function describeVerdict(verdict: string): string {
  return VERDICT_DESCRIPTIONS[verdict] ?? `The system under test's verdict was '${verdict}'.`;
}

/** "ort-all (onnxruntime-node 1.30.0)", or the bare name when its version is not recorded. */
export function sutLabel(bug: ReportBug): string {
  const { name, package: pkg, version } = bug.backend;
  return pkg !== undefined && version !== undefined ? `${name} (${pkg} ${version})` : name;
}

export function statusLabel(bug: ReportBug): string {
  const status = bug.status ?? 'not checked';
  return bug.corpus !== undefined ? `${status} (corpus/${bug.corpus})` : status;
}

/** "output out at [0, 1]: expected 0.7310586, actual 1.2310586 (4.99e+3 x tolerance)" */
export function worstLabel(bug: ReportBug): string | undefined {
  const w = bug.worst;
  if (!w) return undefined;
  const at = `output ${w.output} at ${formatPosition(w.position)}`;
  if (w.bound === undefined) return `${at}: expected ${formatNumber(w.expected)}, actual ${formatNumber(w.actual)} (${formatRatio(w.errorRatio)} x tolerance)`;
  if (w.bound === 0) return `${at}: expected exactly ${formatNumber(w.expected)}, actual ${formatNumber(w.actual)}`;
  return `${at}: expected ${formatNumber(w.expected)} ± ${formatNumber(w.bound)}, actual ${formatNumber(w.actual)} (${formatRatio(Math.abs(w.actual - w.expected) / w.bound)} x the bound)`;
}

export function modelLabel(bug: ReportBug): string | undefined {
  if (bug.reduced) return `reduced to ${plural(bug.reduced.nodes, 'node')}${bug.originalNodes !== undefined ? ` from ${bug.originalNodes}` : ''}`;
  return bug.originalNodes !== undefined ? `${bug.originalNodes} nodes (not reduced)` : undefined;
}

export function firstSeenLabel(bug: ReportBug): string {
  return bug.firstSeen.testIndex >= 0 ? `test ${bug.firstSeen.testIndex} of seed ${bug.firstSeen.seed}` : 'not recorded';
}
