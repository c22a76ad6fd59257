import type { RewriteCoverage } from '../../store/summary.js';

/**
 * Rewrite coverage as rows: one per rewrite, with the tests that made it fire on each SUT (and the
 * first such test), rewrites reached by most tests first. Shared by `tensorsmith coverage` and the
 * Markdown report.
 */
export interface CoverageRow {
  readonly rewrite: string;
  /** Per SUT (in the order of `suts`): tests and the first test's index, or undefined where it never fired. */
  readonly cells: readonly ({ tests: number; firstTest: number } | undefined)[];
}

export function coverageRows(coverage: RewriteCoverage): { suts: string[]; rows: CoverageRow[] } {
  const suts = Object.keys(coverage).sort();
  const names = [...new Set(suts.flatMap((s) => Object.keys(coverage[s]!)))];
  const total = (name: string) => suts.reduce((n, s) => n + (coverage[s]![name]?.tests ?? 0), 0);
  names.sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  return { suts, rows: names.map((rewrite) => ({ rewrite, cells: suts.map((s) => coverage[s]![rewrite]) })) };
}

/** The coverage as aligned text for a terminal (tests that fired each rewrite per SUT, the first test in parentheses). */
export function coverageText(coverage: RewriteCoverage): string {
  const { suts, rows } = coverageRows(coverage);
  if (rows.length === 0) return suts.length === 0 ? 'No SUT of this campaign reports rewrites.\n' : `No rewrite fired on ${suts.join(', ')}.\n`;
  const cell = (c: CoverageRow['cells'][number]) => (c ? `${c.tests} (test ${c.firstTest})` : '-');
  const table = [['rewrite', ...suts], ...rows.map((r) => [r.rewrite, ...r.cells.map(cell)])];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  return table.map((row) => row.map((text, col) => text.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n') + '\n';
}
