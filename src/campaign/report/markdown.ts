import { join } from 'node:path';
import type { ReportBug, ReportDocument } from './document.js';
import { firstSeenLabel, modelLabel, statusLabel, sutLabel, worstLabel } from './labels.js';
import { countsText, plural, printable } from './text.js';
import { COVERAGE_LEGEND, coverageCellText, coverageRows, noRewriteText } from './coverage-table.js';

/** Text that Markdown shows as written: no emphasis, links, HTML or table cells break out of it. */
function mdText(text: string): string {
  return printable(text).replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

/** An inline code span that holds any text: the fence is longer than any backtick run inside. */
function mdCode(text: string): string {
  const flat = printable(text).replace(/\s+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function totals(doc: ReportDocument): string[] {
  const c = doc.campaign;
  const t = doc.totals;
  const statuses = [t.regression ? `${t.regression} regression` : '', t.new ? `${t.new} new` : '', t.known ? `${t.known} known` : ''].filter(Boolean);
  const verdicts = Object.entries(doc.verdicts)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${mdText(v)} ${n}`);
  return [
    `Campaign folder ${mdCode(c.dir)}, seed ${mdCode(c.seed)}: **${plural(c.tests, 'judged test')}** (${c.discarded} discarded) in ${c.elapsedSec.toFixed(1)} s, ${c.testsPerSec.toFixed(2)} tests/s${c.toolVersion ? `, tensorsmith ${mdText(c.toolVersion)}` : ''}.`,
    '',
    `**${plural(t.bugs, 'distinct bug')}** (${plural(t.findings, 'finding')})${statuses.length ? `: ${statuses.join(', ')}` : ''}.`,
    '',
    `Verdicts: ${verdicts.length ? verdicts.join(', ') : 'none'}.`,
    '',
    '| SUT | package | version | verdicts | unsupported (why) |',
    '|---|---|---|---|---|',
    ...doc.backends.map((b) => {
      const stats = doc.perBackend[b.name];
      const counts = stats ? countsText(stats.verdicts) + (stats.skippedKnown ? `, ${stats.skippedKnown} skipped (they hold a crash, hang or error it showed)` : '') : '';
      const why = stats ? countsText(stats.unsupported) : '';
      return `| ${mdText(b.name)} | ${mdText(b.package)} | ${mdText(b.version)} | ${mdText(counts)} | ${mdText(why)} |`;
    }),
    '',
    `Discarded tests by reason: ${mdText(countsText(doc.discardReasons) || 'none')}.`,
    ...(doc.unconfirmed ? ['', `${plural(doc.unconfirmed, 'finding')} did not reproduce alone in a fresh SUT process and could not be traced to an earlier test: not listed.`] : []),
    ...(doc.unreduced ? ['', `${plural(doc.unreduced, 'bug')} left unreduced (reduction had taken its share of the campaign's time).`] : []),
    ...doc.internalErrors.map((e) => `\nInternal error of tensorsmith ${mdText(e.where)}: ${mdCode(e.message)}`),
  ];
}

/** Which rewrites the campaign's tests made each SUT perform (only SUTs that report them). */
function coverageTable(doc: ReportDocument): string[] {
  const { suts, rows } = coverageRows(doc.coverage);
  if (suts.length === 0) return [];
  const head = ['', '## Rewrite coverage', '', mdText(COVERAGE_LEGEND), ''];
  if (rows.length === 0) return [...head, mdText(noRewriteText(suts))];
  return [
    ...head,
    `| rewrite | ${suts.map(mdText).join(' | ')} |`,
    `|---|${suts.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${mdText(r.rewrite)} | ${r.cells.map((c) => mdText(coverageCellText(c))).join(' | ')} |`),
  ];
}

function bugTable(bugs: readonly ReportBug[]): string[] {
  if (bugs.length === 0) return ['No bugs: every judged test agreed with the reference on every SUT.'];
  return [
    '| # | status | verdict | seen on | ops | occurrences | signature |',
    '|---|---|---|---|---|---|---|',
    ...bugs.map(
      (b, i) =>
        `| ${i + 1} | ${mdText(statusLabel(b))} | ${mdText(b.setup ? `state (${b.verdict})` : b.verdict)} | ${mdText(b.seenOn.join(', '))} | ${mdText(b.ops.join(', '))} | ${b.occurrences} | ${mdText(b.signature)} |`,
    ),
  ];
}

function bugSection(doc: ReportDocument, bug: ReportBug, number: number): string[] {
  const path = (rel: string) => mdCode(join(doc.campaign.dir, rel));
  const model = modelLabel(bug);
  const worst = worstLabel(bug);
  const values = bug.values[0];
  return [
    `### ${number}. ${mdText(bug.verdict)} on ${mdText(sutLabel(bug))}`,
    '',
    `- Status: **${mdText(statusLabel(bug))}**`,
    `- Signature: ${mdCode(bug.signature)}`,
    `- Ops: ${mdText(bug.ops.join(', ') || 'none recorded')}`,
    `- Seen on: ${mdText(bug.seenOn.join(', '))}`,
    ...(bug.setup
      ? [`- State bug: the test fails only after an earlier test (${mdText(bug.setup.ops.join(', '))}${bug.setup.testIndex !== undefined ? `, test ${bug.setup.testIndex}` : ''}) ran in the same SUT process; its case folder holds that test as setup/`]
      : []),
    ...(bug.message !== undefined ? [`- Message: ${mdCode(bug.message)}`] : []),
    ...(worst ? [`- Worst element: ${mdText(worst)}`] : []),
    ...(values && values.elements.some((e) => e.actual !== undefined)
      ? [`- Output ${mdText(values.output)}: ${values.mismatches} of ${values.size} elements disagree`]
      : []),
    `- Occurrences: ${bug.occurrences} (first seen: ${mdText(firstSeenLabel(bug))})`,
    ...(model ? [`- Model: ${mdText(model)}`] : []),
    `- Case folder: ${path(bug.caseDir)}${bug.shownDir !== bug.caseDir ? ` (reduced test: ${path(bug.shownDir)})` : ''}`,
    `- Standalone script: ${bug.reproScript ? mdCode(`node ${join(doc.campaign.dir, bug.reproScript)}`) : 'none written'}`,
    `- Replay: ${mdCode(bug.replayCommand)}`,
    ...bug.problems.map((p) => `- Problem: ${mdText(p)}`),
  ];
}

/** A Markdown report: totals, a table of bugs, then one section per bug with what replays it. */
export function renderMarkdown(doc: ReportDocument): string {
  const lines = [
    '# tensorsmith campaign report',
    '',
    ...totals(doc),
    ...coverageTable(doc),
    '',
    '## Bugs',
    '',
    ...bugTable(doc.bugs),
    ...doc.bugs.flatMap((b, i) => ['', ...bugSection(doc, b, i + 1)]),
  ];
  return lines.join('\n') + '\n';
}
