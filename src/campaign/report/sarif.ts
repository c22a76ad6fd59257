import { join } from 'node:path';
import { stableStringify } from '../../ir/json.js';
import type { ReportBug, ReportDocument } from './document.js';
import { describeVerdict, statusLabel, sutLabel, VERDICT_DESCRIPTIONS, worstLabel } from './labels.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Locations are relative to the campaign folder, which SARIF names through this base id. */
const CAMPAIGN_BASE = 'CAMPAIGN';

function uriOf(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/');
}

/** What the signature database and the corpus say of the bug (` Status: known (corpus/NAME).`), when they say anything. */
function statusSentence(bug: ReportBug): string {
  return bug.status === undefined && bug.corpus === undefined ? '' : ` Status: ${statusLabel(bug)}.`;
}

function resultOf(doc: ReportDocument, bug: ReportBug, ruleIndex: number) {
  const worst = worstLabel(bug);
  const detail = bug.message ?? worst ?? describeVerdict(bug.verdict);
  return {
    ruleId: bug.verdict,
    ruleIndex,
    // A bug already in the signature database is still there, but it is not news.
    level: bug.status === 'known' ? 'warning' : 'error',
    message: {
      text: `${bug.verdict} on ${sutLabel(bug)} with ops ${bug.ops.join(', ') || '(none recorded)'}: ${detail}.${statusSentence(bug)} Replay: ${bug.replayCommand}`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: uriOf(`${bug.shownDir}/model.onnx`), uriBaseId: CAMPAIGN_BASE } },
        message: { text: `the ${bug.reduced ? 'reduced ' : ''}model of case ${join(doc.campaign.dir, bug.caseDir)}` },
      },
    ],
    // Code scanning matches alerts across runs by fingerprint: the bug signature is exactly that.
    partialFingerprints: { tensorsmithSignature: bug.signature },
    properties: {
      signature: bug.signature,
      backend: bug.backend,
      ops: bug.ops,
      occurrences: bug.occurrences,
      caseDir: bug.caseDir,
      ...(bug.status ? { status: bug.status } : {}),
      ...(bug.corpus !== undefined ? { corpus: bug.corpus } : {}),
      ...(bug.reproScript ? { reproScript: bug.reproScript } : {}),
      ...(bug.worst ? { worst: bug.worst } : {}),
    },
  };
}

/** SARIF 2.1.0: one rule per bug verdict, one result per bug signature located at its model.onnx. */
export function renderSarif(doc: ReportDocument, toolVersion: string): string {
  const verdicts = [...Object.keys(VERDICT_DESCRIPTIONS)];
  for (const bug of doc.bugs) if (!verdicts.includes(bug.verdict)) verdicts.push(bug.verdict);
  const rules = verdicts.map((id) => ({
    id,
    name: id.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: `${id} verdict` },
    fullDescription: { text: describeVerdict(id) },
    defaultConfiguration: { level: 'error' },
  }));
  const c = doc.campaign;
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tensorsmith', version: c.toolVersion ?? toolVersion, rules } },
        originalUriBaseIds: { [CAMPAIGN_BASE]: { description: { text: `the campaign folder (${c.dir})` } } },
        results: doc.bugs.map((bug) => resultOf(doc, bug, verdicts.indexOf(bug.verdict))),
        properties: { seed: c.seed, tests: c.tests, discarded: c.discarded, elapsedSec: c.elapsedSec, backends: doc.backends },
      },
    ],
  };
  return stableStringify(sarif);
}
