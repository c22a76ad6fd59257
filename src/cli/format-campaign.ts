import { join } from 'node:path';
import { replayCommand } from '../campaign/replay-command.js';
import type { BugEntry, CampaignSummary } from '../store/summary.js';

/** What a listed bug is, for a console line: "wrong-result [Clip, Relu]", or a state bug with the ops of the test that broke the worker. */
export function bugKind(b: Pick<BugEntry, 'setup' | 'verdict' | 'ops'>): string {
  return b.setup ? `state bug (${b.verdict} after a test with ${b.ops.join(', ')})` : `${b.verdict} [${b.ops.join(', ')}]`;
}

/** The largest counts of a tally, "reason (n)", most frequent first. */
function top(counts: Readonly<Record<string, number>>, n: number): string[] {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([k, c]) => `${k} (${c})`);
}

/**
 * What `fuzz` prints when a campaign ends: totals, each SUT's verdicts and why it judged nothing
 * on some tests, why tests were discarded, every bug listed (with the SUTs that showed it and the
 * command that replays it), what could not be confirmed or reduced, and tensorsmith's own errors.
 */
export function formatCampaignEnd(summary: CampaignSummary, outDir: string): string {
  const lines: string[] = [];
  lines.push(`${summary.tests} tests in ${summary.elapsedSec.toFixed(1)}s (${summary.testsPerSec.toFixed(1)}/s), ${summary.discarded} discarded`);
  for (const [name, stats] of Object.entries(summary.perBackend)) {
    const counts = Object.entries(stats.verdicts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const skipped = stats.skippedKnown > 0 ? `; ${stats.skippedKnown} skipped (they hold a crash, hang or error it showed)` : '';
    lines.push(`  ${name}: ${counts || 'nothing judged'}${skipped}`);
    const reasons = top(stats.unsupported, 3);
    if (reasons.length > 0) lines.push(`    unsupported: ${reasons.join('; ')}`);
  }
  const recorded = summary.config.backendModules;
  const modules = Array.isArray(recorded) ? recorded.filter((m): m is string => typeof m === 'string') : [];
  const discards = top(summary.discardReasons, 5);
  if (discards.length > 0) lines.push(`  discarded: ${discards.join('; ')}`);
  for (const b of summary.bugs) {
    const dir = join(outDir, b.dir);
    const reduced = b.reduced ? `, reduced to ${b.reduced.nodes} nodes` : ', not reduced';
    const what = bugKind(b);
    const corpus = b.corpus !== undefined ? `, corpus/${b.corpus}` : '';
    lines.push(`${b.status ?? 'unchecked'}${corpus}: ${what} on ${b.seenOn.join(', ')} (x${b.occurrences}${reduced}): ${dir}`);
    if (b.message) lines.push(`    ${b.message}`);
    lines.push(`    replay: ${replayCommand(dir, modules)}`);
  }
  if (summary.unconfirmed > 0) {
    lines.push(`${summary.unconfirmed} finding(s) did not reproduce alone in a fresh SUT process and could not be traced to an earlier test (a flaky SUT?): not listed`);
    for (const f of summary.unconfirmedFindings.slice(0, 5)) {
      const why = f.untraced ? '; not traced, reduction had taken its share of the time' : '';
      lines.push(`    test ${f.testIndex} on ${f.backend}: ${f.verdict}${f.message ? `: ${f.message}` : ''}${why} (tensorsmith repro --campaign ${outDir} --index ${f.testIndex} replays it)`);
    }
  }
  if (summary.reduction.unreduced > 0) {
    lines.push(`${summary.reduction.unreduced} bug(s) left unreduced (reduction had taken its share of the time): tensorsmith reduce <case folder> reduces one`);
  }
  for (const e of summary.internalErrors) lines.push(`tensorsmith internal error (please report it) ${e.where}: ${e.message}`);
  const known = summary.bugs.length - summary.newBugs - summary.regressions;
  lines.push(`${summary.newBugs} new, ${summary.regressions} regressions, ${known} known; summary: ${join(outDir, 'summary.json')}`);
  return lines.map((l) => `${l}\n`).join('');
}
