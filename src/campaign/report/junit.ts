import { join } from 'node:path';
import type { ReportBug, ReportDocument } from './document.js';
import { firstSeenLabel, modelLabel, statusLabel, sutLabel, worstLabel } from './labels.js';
import { escapeMarkup, plural } from './text.js';

function attrs(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeMarkup(String(v))}"`)
    .join('');
}

function failureDetails(doc: ReportDocument, bug: ReportBug): string {
  const model = modelLabel(bug);
  const worst = worstLabel(bug);
  return [
    `verdict: ${bug.verdict}`,
    `SUT: ${sutLabel(bug)}`,
    `status: ${statusLabel(bug)}`,
    `signature: ${bug.signature}`,
    `ops: ${bug.ops.join(', ')}`,
    ...(bug.message !== undefined ? [`message: ${bug.message}`] : []),
    ...(worst ? [`worst element: ${worst}`] : []),
    `occurrences: ${bug.occurrences} (first seen: ${firstSeenLabel(bug)})`,
    ...(model ? [`model: ${model}`] : []),
    `case folder: ${join(doc.campaign.dir, bug.caseDir)}`,
    ...(bug.reproScript ? [`standalone script: node ${join(doc.campaign.dir, bug.reproScript)}`] : []),
    `replay: ${bug.replayCommand}`,
    ...bug.problems.map((p) => `problem: ${p}`),
  ].join('\n');
}

/**
 * A bug's test case name: stable across campaigns (CI views track cases by name), so it names the
 * corpus entry a bug is, which does not change, and not its status, which does.
 */
function testcaseName(bug: ReportBug): string {
  const corpus = bug.corpus !== undefined ? ` [corpus/${bug.corpus}]` : '';
  return `${bug.verdict} on ${bug.backend.name}: ${bug.ops.join(', ')} (${bug.signature})${corpus}`;
}

/** The failure's one-line message: its status first (`known (corpus/NAME): ...`), then what went wrong. */
function failureMessage(bug: ReportBug): string {
  const status = bug.status !== undefined || bug.corpus !== undefined ? `${statusLabel(bug)}: ` : '';
  return `${status}${bug.message ?? worstLabel(bug) ?? bug.verdict}`;
}

/**
 * JUnit XML: one test case per bug signature, failing with the verdict as its type, and one
 * passing case for the judged tests, so that CI test views show a campaign like a test run. A known
 * bug fails too (it is still there), its message saying it is known and, for a corpus bug, its name.
 */
export function renderJunit(doc: ReportDocument): string {
  const c = doc.campaign;
  const tests = doc.bugs.length + 1;
  const failures = doc.bugs.length;
  const time = c.elapsedSec.toFixed(3);
  const suite = `tensorsmith campaign ${c.seed}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'tensorsmith', tests, failures, errors: 0, time })}>`,
    `  <testsuite${attrs({ name: suite, tests, failures, errors: 0, skipped: 0, time })}>`,
    '    <properties>',
    `      <property${attrs({ name: 'seed', value: c.seed })}/>`,
    ...doc.backends.map((b) => `      <property${attrs({ name: `sut.${b.name}`, value: `${b.package} ${b.version}` })}/>`),
    '    </properties>',
    `    <testcase${attrs({ classname: 'tensorsmith.campaign', name: 'judged tests', time })}>`,
    `      <system-out>${escapeMarkup(`${plural(c.tests, 'judged test')} (${c.discarded} discarded), ${plural(doc.totals.bugs, 'distinct bug')} in ${plural(doc.totals.findings, 'finding')}`)}</system-out>`,
    '    </testcase>',
    ...doc.bugs.flatMap((bug) => {
      return [
        `    <testcase${attrs({ classname: `tensorsmith.${bug.backend.name}`, name: testcaseName(bug), time: 0 })}>`,
        `      <failure${attrs({ message: failureMessage(bug), type: bug.verdict })}>${escapeMarkup(failureDetails(doc, bug))}</failure>`,
        '    </testcase>',
      ];
    }),
    '  </testsuite>',
    '</testsuites>',
  ];
  return lines.join('\n') + '\n';
}
