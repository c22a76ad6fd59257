import { replayCommand } from '../replay-command.js';
import type { ReportBug, ReportDocument, ReportOutputWindow } from './document.js';
import { currentEnvironment, type ReportEnvironment } from './environment.js';
import { graphSvg } from './graph-svg.js';
import { REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';
import { describeVerdict, firstSeenLabel, modelLabel, statusLabel, sutLabel, worstLabel } from './labels.js';
import { countsText, escapeMarkup as e, formatNumber, formatPosition, plural } from './text.js';
import { typeText } from './graph-layout.js';
import { COVERAGE_LEGEND, coverageCellText, coverageRows, noRewriteText } from './coverage-table.js';
import { inputsTable, nodeTable } from './html-model.js';
import { campaignFolderHref, campaignHref, campaignName, campaignRelativeText } from './html-paths.js';

/** Nothing but the page itself may load: inline style and script, no network, no other files. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

function statusClass(bug: ReportBug): string {
  return bug.status ?? 'none';
}

function badge(bug: ReportBug): string {
  return `<span class="badge ${statusClass(bug)}">${e(statusLabel(bug))}</span>`;
}

function card(value: string, label: string): string {
  return `<div class="card"><b>${e(value)}</b><span>${e(label)}</span></div>`;
}

function fact(term: string, html: string): string {
  return `<dt>${e(term)}</dt><dd>${html}</dd>`;
}

/** The campaign's SUTs as recorded, each with the device it ran on. */
function sutEnvironmentTable(doc: ReportDocument): string {
  const device = (d: string | undefined) => (d !== undefined ? e(d) : '<span class="none">not recorded</span>');
  const rows = doc.backends.map((b) => `<tr><td>${e(b.name)}</td><td>${e(b.package)}</td><td>${e(b.version)}</td><td>${device(b.device)}</td></tr>`);
  return ['<table id="suts"><thead><tr><th>SUT</th><th>package</th><th>version</th><th>device</th></tr></thead><tbody>', ...rows, '</tbody></table>'].join('\n');
}

/**
 * What a bug report upstream needs first: the tensorsmith that found the bugs, and the SUTs with
 * their versions and devices (from the campaign folder); Node and OS are the machine's writing this
 * page, since a campaign does not record its own.
 */
function environmentBlock(doc: ReportDocument, env: ReportEnvironment): string {
  const found = doc.campaign.toolVersion ?? 'not recorded';
  const writer = env.toolVersion !== undefined ? `; this report written by tensorsmith ${env.toolVersion}` : '';
  return [
    '<section id="environment"><h2>Environment</h2>',
    '<dl class="facts">',
    fact('tensorsmith', `${e(found)} (found the bugs)${e(writer)}`),
    fact('Node', `${e(env.node)} <span class="legend">(of the machine writing this report)</span>`),
    fact('OS', `${e(env.os)} <span class="legend">(of the machine writing this report)</span>`),
    '</dl>',
    sutEnvironmentTable(doc),
    '</section>',
  ].join('\n');
}

function header(doc: ReportDocument, env: ReportEnvironment): string {
  const c = doc.campaign;
  const t = doc.totals;
  const verdictRows = Object.entries(doc.verdicts).map(([v, count]) => `<tr><td>${e(v)}</td><td class="num">${count}</td></tr>`);
  return [
    '<header>',
    '<h1>tensorsmith campaign report</h1>',
    `<p class="sub">campaign folder <code>${e(campaignName(c.dir))}</code>, seed <code>${e(c.seed)}</code>${c.toolVersion ? `, tensorsmith ${e(c.toolVersion)}` : ''}</p>`,
    '<p class="sub">Paths and links are relative to the campaign folder: they work when this page is saved in it (e.g. <code>--out DIR/report.html</code>), wherever the folder is moved.</p>',
    '</header>',
    environmentBlock(doc, env),
    '<div class="cards">',
    card(String(c.tests), 'judged tests'),
    card(String(c.discarded), 'discarded'),
    card(c.testsPerSec.toFixed(2), 'tests/s'),
    card(`${c.elapsedSec.toFixed(1)} s`, 'elapsed'),
    card(String(t.bugs), 'distinct bugs'),
    card(String(t.findings), 'findings'),
    card(String(t.new), 'new'),
    card(String(t.regression), 'regressions'),
    card(String(t.known), 'known'),
    '</div>',
    '<div class="panes">',
    '<div class="pane"><h3>Systems under test</h3><table><thead><tr><th>SUT</th><th>package</th><th>version</th><th>verdicts</th><th>unsupported (why)</th></tr></thead><tbody>',
    ...doc.backends.map((b) => {
      const stats = doc.perBackend[b.name];
      const counts = stats ? countsText(stats.verdicts) + (stats.skippedKnown ? `; ${stats.skippedKnown} skipped (they hold a crash, hang or error it showed)` : '') : '';
      return `<tr><td>${e(b.name)}</td><td>${e(b.package)}</td><td>${e(b.version)}</td><td>${e(counts)}</td><td>${e(stats ? countsText(stats.unsupported) : '')}</td></tr>`;
    }),
    '</tbody></table></div>',
    `<div class="pane"><h3>Discarded tests</h3><p>${e(countsText(doc.discardReasons) || 'none')}</p>${
      doc.unconfirmed ? `<p>${e(plural(doc.unconfirmed, 'finding'))} did not reproduce alone and could not be traced to an earlier test: not listed.</p>` : ''
    }${doc.unreduced ? `<p>${e(plural(doc.unreduced, 'bug'))} left unreduced.</p>` : ''}${doc.internalErrors
      .map((x) => `<p class="problem">tensorsmith internal error ${e(x.where)}: <code>${e(x.message)}</code></p>`)
      .join('')}</div>`,
    '<div class="pane"><h3>Verdicts</h3><table><thead><tr><th>verdict</th><th class="num">count</th></tr></thead><tbody>',
    ...verdictRows,
    '</tbody></table></div>',
    '</div>',
  ].join('\n');
}

/** Which rewrites the campaign's tests made each SUT perform (only SUTs that report them; nothing when none does). */
function coverageTable(doc: ReportDocument): string {
  const { suts, rows } = coverageRows(doc.coverage);
  if (suts.length === 0) return '';
  const head = ['<h2>Rewrite coverage</h2>', `<p class="legend">${e(COVERAGE_LEGEND)}</p>`];
  if (rows.length === 0) return [...head, `<p>${e(noRewriteText(suts))}</p>`].join('\n');
  return [
    ...head,
    `<table id="coverage"><thead><tr><th>rewrite</th>${suts.map((s) => `<th class="num">${e(s)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr><td>${e(r.rewrite)}</td>${r.cells.map((c) => `<td class="num${c ? '' : ' none'}">${e(coverageCellText(c))}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

function bugTable(doc: ReportDocument): string {
  if (doc.bugs.length === 0) return '<h2>Bugs</h2>\n<p>No bugs: every judged test agreed with the reference on every SUT.</p>';
  const statuses = [...new Set(doc.bugs.map(statusClass))];
  const boxes = statuses.map((s) => `<label><input type="checkbox" data-status="${e(s)}" checked> ${e(s === 'none' ? 'not checked' : s)}</label>`);
  const rows = doc.bugs.map((bug, i) => {
    const text = [bug.verdict, bug.backend.name, statusLabel(bug), bug.signature, bug.ops.join(' '), bug.message ?? ''].join(' ').toLowerCase();
    return [
      `<tr class="bug-row" data-status="${e(statusClass(bug))}" data-target="bug-${i + 1}" data-text="${e(text)}">`,
      `<td class="num"><a href="#bug-${i + 1}">${i + 1}</a></td>`,
      `<td>${badge(bug)}</td>`,
      `<td>${e(bug.verdict)}</td>`,
      `<td>${e(sutLabel(bug))}</td>`,
      `<td>${e(bug.ops.join(', '))}</td>`,
      `<td>${e(bug.message === undefined ? '' : bug.message.length > 120 ? bug.message.slice(0, 119) + '…' : bug.message)}</td>`,
      `<td class="num">${bug.occurrences}</td>`,
      '</tr>',
    ].join('');
  });
  return [
    '<h2>Bugs</h2>',
    `<div class="filters"><input id="filter" type="search" placeholder="filter by verdict, SUT, op, message..." aria-label="filter bugs">${boxes.join('')}</div>`,
    '<table id="bugs"><thead><tr><th class="num">#</th><th>status</th><th>verdict</th><th>SUT</th><th>ops</th><th>message</th><th class="num">occurrences</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
    '<p id="no-match" hidden>No bug matches the filter.</p>',
  ].join('\n');
}

function valuesTable(output: ReportOutputWindow, bug: ReportBug): string {
  const hasActual = output.elements.some((x) => x.actual !== undefined);
  const caption = output.actualShape
    ? `the SUT returned shape ${formatPosition(output.actualShape)}`
    : hasActual
      ? `${output.mismatches} of ${output.size} elements disagree`
      : `${output.size} elements`;
  const last = output.elements[output.elements.length - 1];
  const range = output.elements.length < output.size && last ? `, elements ${output.elements[0]!.index} to ${last.index}` : '';
  const rows = output.elements.map((x) => {
    const worst = bug.worst?.output === output.output && bug.worst.index === x.index;
    const classes = [...(x.mismatch ? ['mismatch'] : []), ...(worst ? ['worst'] : [])];
    const diff = x.actual !== undefined ? formatNumber(Math.abs(x.actual - x.expected)) : '';
    return [
      `<tr${classes.length ? ` class="${classes.join(' ')}"` : ''}>`,
      `<td>${e(formatPosition(x.position))}</td>`,
      `<td class="num expected">${e(formatNumber(x.expected))}</td>`,
      `<td class="num actual">${x.actual !== undefined ? e(formatNumber(x.actual)) : ''}</td>`,
      `<td class="num">${e(diff)}</td>`,
      '</tr>',
    ].join('');
  });
  return [
    `<table class="values"><caption>${e(output.output)} ${e(typeText(output))}: ${e(caption + range)}</caption>`,
    '<thead><tr><th>position</th><th class="num">expected</th><th class="num">actual</th><th class="num">|difference|</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
  ].join('\n');
}

/** A path of the campaign folder as code, linked relatively when it is plainly inside it. */
function pathLink(relative: string, href: string | undefined, shown = relative): string {
  const code = `<code>${e(shown)}</code>`;
  return href === undefined ? code : `<a href="${e(href)}">${code}</a>`;
}

function caseFolderFact(bug: ReportBug): string {
  const folder = (rel: string) => pathLink(rel, campaignFolderHref(rel));
  const reduced = bug.shownDir !== bug.caseDir ? `, reduced test ${folder(bug.shownDir)}` : '';
  return fact('case folder', folder(bug.caseDir) + reduced);
}

function scriptFact(bug: ReportBug): string {
  if (!bug.reproScript) return fact('standalone script', 'none written');
  return fact('standalone script', `<code>node</code> ${pathLink(bug.reproScript, campaignHref(bug.reproScript))}`);
}

function bugSection(doc: ReportDocument, bug: ReportBug, number: number): string {
  const model = modelLabel(bug);
  const worst = worstLabel(bug);
  const facts = [
    fact('status', badge(bug)),
    fact('verdict', `${e(bug.verdict)}: ${e(describeVerdict(bug.verdict))}`),
    fact('SUT', e(sutLabel(bug))),
    fact('seen on', e(bug.seenOn.join(', '))),
    fact('ops', e(bug.ops.join(', ') || 'none recorded')),
    ...(bug.setup
      ? [fact('state bug', e(`fails only after an earlier test (${bug.setup.ops.join(', ')}${bug.setup.testIndex !== undefined ? `, test ${bug.setup.testIndex}` : ''}) ran in the same SUT process; the case folder holds it as setup/`))]
      : []),
    ...(bug.message !== undefined ? [fact('message', `<code>${e(bug.message)}</code>`)] : []),
    ...(worst ? [fact('worst element', e(worst))] : []),
    fact('occurrences', `${bug.occurrences} (first seen: ${e(firstSeenLabel(bug))})`),
    ...(model ? [fact('model', e(model))] : []),
    fact('signature', `<code>${e(bug.signature)}</code>`),
    caseFolderFact(bug),
    scriptFact(bug),
    // The document's replay command and problems name absolute paths (JSON keeps them); the page, which may be moved, does not.
    fact('replay', `<code>${e(replayCommand(bug.caseDir))}</code> <span class="legend">(in the campaign folder)</span>`),
    ...bug.problems.map((p) => fact('problem', `<span class="problem">${e(campaignRelativeText(p, doc.campaign.dir))}</span>`)),
  ];
  const graph = bug.graph
    ? [
        `<div class="pane"><h3>${bug.reduced ? 'Reduced model' : 'Model'} (${plural(bug.graph.nodes.length, 'node')})</h3>`,
        `<div class="graph-box">${graphSvg(bug.graph, number, bug.worst?.output)}</div>`,
        '<p class="legend">rounded: graph input; thick outline: model output; red: the output with the worst element; blue edge label: the input slot the value feeds.</p>',
        nodeTable(bug.graph),
        '</div>',
      ].join('\n')
    : '';
  const inputs = bug.inputValues.length ? `<div class="pane"><h3>Inputs (first values)</h3>${inputsTable(bug.inputValues)}</div>` : '';
  const values = bug.actualError !== undefined
    ? `<div class="pane"><h3>Outputs</h3><p>The SUT returned no outputs: <code>${e(bug.actualError)}</code></p></div>`
    : bug.values.length
      ? `<div class="pane"><h3>Expected (reference) vs actual (${e(bug.backend.name)})</h3>${bug.values.map((w) => valuesTable(w, bug)).join('\n')}</div>`
      : '';
  return [
    `<section class="bug" id="bug-${number}">`,
    `<h2>${number}. ${e(bug.verdict)} on ${e(sutLabel(bug))} ${badge(bug)}</h2>`,
    `<dl class="facts">${facts.join('')}</dl>`,
    `<div class="panes">${graph}${inputs}${values}</div>`,
    '</section>',
  ].join('\n');
}

/**
 * One self-contained HTML page (inline CSS, script and SVG; a content security policy that allows
 * nothing else): totals, the environment, the rewrite coverage, a filterable table of bugs, and per
 * bug its facts, the drawing and node listing of its (reduced) model, its input values and its
 * expected vs actual values. Paths and links are relative to the campaign folder. Everything read
 * from files is escaped.
 */
export function renderHtml(doc: ReportDocument, environment: ReportEnvironment = currentEnvironment()): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>tensorsmith report: ${e(doc.campaign.seed)} (${plural(doc.totals.bugs, 'bug')})</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    header(doc, environment),
    coverageTable(doc),
    bugTable(doc),
    ...doc.bugs.map((bug, i) => bugSection(doc, bug, i + 1)),
    `<footer>Written by tensorsmith report from ${pathLink('summary.json', campaignHref('summary.json'))} of the campaign folder ${e(campaignName(doc.campaign.dir))}.</footer>`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
  ].join('\n') + '\n';
}
