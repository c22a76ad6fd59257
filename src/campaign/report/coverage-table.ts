import type { RewriteCount, RewriteCoverage } from '../../store/summary.js';

/**
 * Rewrite coverage as a table: one row per rewrite, one column per SUT that reports rewrites, each
 * cell the tests that made the rewrite fire on that SUT (and the first such test); rewrites reached
 * by most tests first. `tensorsmith coverage`, the Markdown report and the HTML report all show this
 * table, with the words below: only the escaping differs.
 */
export interface CoverageRow {
  readonly rewrite: string;
  /** Per SUT (in the order of `suts`): tests and the first test's index, or undefined where it never fired. */
  readonly cells: readonly (RewriteCount | undefined)[];
}

export interface CoverageTable {
  /** The SUTs that report rewrites, sorted; none when no SUT of the campaign does. */
  readonly suts: readonly string[];
  readonly rows: readonly CoverageRow[];
}

export function coverageRows(coverage: RewriteCoverage): CoverageTable {
  const suts = Object.keys(coverage).sort();
  const names = [...new Set(suts.flatMap((s) => Object.keys(coverage[s]!)))];
  const total = (name: string) => suts.reduce((n, s) => n + (coverage[s]![name]?.tests ?? 0), 0);
  names.sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  return { suts, rows: names.map((rewrite) => ({ rewrite, cells: suts.map((s) => coverage[s]![rewrite]) })) };
}

/** What the table's cells say. */
export const COVERAGE_LEGEND = "Tests whose model each SUT's optimizer rewrote this way (the first such test in parentheses).";

/** A cell: `3 (test 12)`, or `-` where the rewrite never fired on that SUT. */
export function coverageCellText(cell: RewriteCount | undefined): string {
  return cell ? `${cell.tests} (test ${cell.firstTest})` : '-';
}

/** What stands for a table without rows: SUTs report rewrites, but none fired. */
export function noRewriteText(suts: readonly string[]): string {
  return `No rewrite fired on ${suts.join(', ')}.`;
}

/** The coverage as aligned text for a terminal. */
export function coverageText(coverage: RewriteCoverage): string {
  const { suts, rows } = coverageRows(coverage);
  if (suts.length === 0) return 'No SUT of this campaign reports rewrites.\n';
  if (rows.length === 0) return noRewriteText(suts) + '\n';
  const table = [['rewrite', ...suts], ...rows.map((r) => [r.rewrite, ...r.cells.map(coverageCellText)])];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  return table.map((row) => row.map((text, col) => text.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n') + '\n';
}
