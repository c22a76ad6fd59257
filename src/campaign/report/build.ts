import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { BackendDescription } from '../../backends/adapter.js';
import { replayCommand } from '../replay-command.js';
import { REPORT_FORMAT, type ReportBug, type ReportBugStatus, type ReportDocument } from './document.js';
import { reportGraph } from './graph-layout.js';
import { insideCampaign, readCaseContents, type DescribedBackend } from './read-case.js';
import { readModelJsonFile } from '../../ir/json.js';
import { isRecord } from '../../store/fields.js';
import { readJsonFile } from '../../store/json-file.js';
import { readSummary, SUMMARY_FILE, type RecordedBug } from '../../store/summary.js';
import { inputPreviews, outputWindows } from './values.js';

const STATUS_RANK: Readonly<Record<ReportBugStatus | 'none', number>> = { regression: 0, new: 1, none: 2, known: 3 };

function isCaseFolder(dir: string): boolean {
  return existsSync(join(dir, 'model.json'));
}

/** A path as the report prints it: relative to the campaign folder, '/'-separated. */
function campaignRelative(campaignDir: string, path: string): string {
  const rel = relative(campaignDir, path);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/**
 * The first of `candidates` that is a case folder inside the campaign folder. Only folders inside
 * it are read: summary.json's paths were checked when it was read, and a folder that a symbolic
 * link takes out of the campaign is named in `problems`.
 */
function firstCaseFolder(campaignDir: string, candidates: readonly string[], problems: string[]): string | undefined {
  return [...new Set(candidates)].find((dir) => insideCampaign(campaignDir, dir, problems) && isCaseFolder(dir));
}

/**
 * Where a bug's case folder is: DIR/bugs/<signature> first, then the `dir` summary.json recorded
 * (relative to DIR). The first holds even where a hand-edited or older summary.json's `dir` does not.
 */
function locateCase(campaignDir: string, bug: RecordedBug, problems: string[]): string | undefined {
  const candidates = /^[\w.-]+$/.test(bug.signature) && !bug.signature.startsWith('.') ? [join(campaignDir, 'bugs', bug.signature)] : [];
  if (bug.dir !== undefined) candidates.push(join(campaignDir, bug.dir));
  return firstCaseFolder(campaignDir, candidates, problems);
}

function locateReduced(campaignDir: string, caseDir: string, bug: RecordedBug, problems: string[]): string | undefined {
  const candidates = bug.reduced ? [join(campaignDir, bug.reduced.dir)] : [];
  candidates.push(join(caseDir, 'reduced'));
  return firstCaseFolder(campaignDir, candidates, problems);
}

function nodeCount(campaignDir: string, caseDir: string, problems: string[]): number | undefined {
  if (!insideCampaign(campaignDir, join(caseDir, 'model.json'), problems)) return undefined;
  try {
    return readModelJsonFile(join(caseDir, 'model.json')).nodes.length;
  } catch {
    // A damaged original model.json is reported by the full read of the shown folder, or not needed.
  }
  return undefined;
}

/** One bug's entry, with what its case folder records of the campaign: the tool version and the SUTs as described then. */
interface BugReading {
  readonly entry: ReportBug;
  readonly toolVersion?: string;
  readonly described: readonly DescribedBackend[];
}

function reportBug(campaignDir: string, bug: RecordedBug, backends: readonly BackendDescription[]): BugReading {
  const locating: string[] = [];
  const caseDir = locateCase(campaignDir, bug, locating);
  const fallbackCase = join(campaignDir, 'bugs', bug.signature);
  const caseRel = campaignRelative(campaignDir, caseDir ?? fallbackCase);
  const replay = replayCommand(join(campaignDir, caseRel));
  const common = {
    signature: bug.signature,
    verdict: bug.verdict,
    ops: bug.ops,
    occurrences: bug.occurrences,
    firstSeen: bug.firstSeen,
    caseDir: caseRel,
    replayCommand: replay,
    seenOn: bug.seenOn ?? [bug.backend],
    ...(bug.status ? { status: bug.status } : {}),
    ...(bug.corpus !== undefined ? { corpus: bug.corpus } : {}),
    ...(bug.setup ? { setup: bug.setup } : {}),
  };
  const described = backends.find((b) => b.name === bug.backend);
  if (!caseDir) {
    const backend = described ? { name: bug.backend, package: described.package, version: described.version } : { name: bug.backend };
    const problem = `case folder not found (looked for ${join(fallbackCase, 'model.json')}${bug.dir !== undefined ? ` and under ${bug.dir}` : ''})`;
    return {
      entry: { ...common, backend, shownDir: caseRel, values: [], inputValues: [], problems: [...locating, problem], ...(bug.message !== undefined ? { message: bug.message } : {}), ...(bug.reduced ? { reduced: bug.reduced } : {}) },
      described: [],
    };
  }
  const reducedDir = locateReduced(campaignDir, caseDir, bug, locating);
  const shownDir = reducedDir ?? caseDir;
  const contents = readCaseContents(shownDir, campaignDir);
  const sut = described ?? contents.backends.find((b) => b.name === bug.backend);
  const backend = sut ? { name: bug.backend, package: sut.package, version: sut.version } : { name: bug.backend };
  const reduced = bug.reduced ?? (reducedDir && contents.model ? { nodes: contents.model.nodes.length, dir: campaignRelative(campaignDir, reducedDir) } : undefined);
  const originalNodes = reducedDir ? nodeCount(campaignDir, caseDir, locating) : contents.model?.nodes.length;
  const repro = [join(shownDir, 'repro.mjs'), join(caseDir, 'repro.mjs')].find((f) => existsSync(f) && insideCampaign(campaignDir, f, locating));
  // The shown (reduced) test's own message agrees with its worst element; the summary's is the original's.
  const message = contents.message ?? bug.message;
  const entry: ReportBug = {
    ...common,
    backend,
    shownDir: campaignRelative(campaignDir, shownDir),
    values: contents.expected ? outputWindows({ model: contents.model, expected: contents.expected, actual: contents.actual, worst: contents.worst, bounds: contents.bounds }) : [],
    inputValues: contents.inputs ? inputPreviews(contents.model, contents.inputs) : [],
    problems: [...locating, ...contents.problems],
    ...(message !== undefined ? { message } : {}),
    ...(reduced ? { reduced } : {}),
    ...(originalNodes !== undefined ? { originalNodes } : {}),
    ...(repro ? { reproScript: campaignRelative(campaignDir, repro) } : {}),
    ...(contents.worst ? { worst: contents.worst } : {}),
    ...(contents.model ? { graph: reportGraph(contents.model) } : {}),
    ...(contents.actualError !== undefined ? { actualError: contents.actualError } : {}),
  };
  return { entry, described: contents.backends, ...(contents.toolVersion !== undefined ? { toolVersion: contents.toolVersion } : {}) };
}

/**
 * The device each SUT ran on, as summary.json wrote it (its reader keeps only name, package and
 * version; readSummary has already checked that the file is valid JSON).
 */
function summaryDevices(campaignDir: string): Map<string, string> {
  const raw = readJsonFile(join(campaignDir, SUMMARY_FILE));
  const backends = isRecord(raw) && Array.isArray(raw.backends) ? (raw.backends as unknown[]) : [];
  return new Map(backends.flatMap((b) => (isRecord(b) && typeof b.name === 'string' && typeof b.device === 'string' ? [[b.name, b.device] as const] : [])));
}

/** The campaign's SUTs with their devices: from summary.json, else from the first case meta.json that records one. */
function withDevices(campaignDir: string, backends: readonly BackendDescription[], described: readonly DescribedBackend[]): BackendDescription[] {
  const devices = summaryDevices(campaignDir);
  return backends.map((b) => {
    const device = devices.get(b.name) ?? described.find((d) => d.name === b.name && d.device !== undefined)?.device;
    return device !== undefined ? { ...b, device } : b;
  });
}

/**
 * Reads a campaign folder (summary.json and each bug's case folder, preferring its reduced test)
 * into the document every report format renders. Missing or damaged summary.json is a UserError,
 * and so is one whose case folder paths lead out of the campaign folder; a missing or damaged
 * case folder is named in that bug's `problems`. Nothing outside the campaign folder is read.
 */
export function buildReport(campaignDir: string): ReportDocument {
  const summary = readSummary(campaignDir);
  let toolVersion: string | undefined;
  const described: DescribedBackend[] = [];
  const bugs = summary.bugs.map((b) => {
    const reading = reportBug(campaignDir, b, summary.backends);
    toolVersion ??= reading.toolVersion;
    described.push(...reading.described);
    return reading.entry;
  });
  bugs.sort((a, b) => STATUS_RANK[a.status ?? 'none'] - STATUS_RANK[b.status ?? 'none'] || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  const count = (status: ReportBugStatus) => bugs.filter((b) => b.status === status).length;
  return {
    format: REPORT_FORMAT,
    campaign: {
      dir: campaignDir,
      seed: summary.seed,
      tests: summary.tests,
      discarded: summary.discarded,
      testsPerSec: summary.testsPerSec,
      elapsedSec: summary.elapsedSec,
      ...(toolVersion !== undefined ? { toolVersion } : {}),
    },
    backends: withDevices(campaignDir, summary.backends, described),
    verdicts: summary.verdicts,
    perBackend: Object.fromEntries(
      Object.entries(summary.perBackend).map(([name, s]) => [name, { verdicts: s.verdicts, unsupported: s.unsupported, skippedKnown: s.skippedKnown }]),
    ),
    discardReasons: summary.discardReasons,
    unconfirmed: summary.unconfirmed,
    unreduced: summary.reduction.unreduced,
    internalErrors: summary.internalErrors.map(({ where, message }) => ({ where, message })),
    coverage: summary.coverage,
    totals: {
      bugs: bugs.length,
      findings: bugs.reduce((s, b) => s + b.occurrences, 0),
      new: count('new'),
      known: count('known'),
      regression: count('regression'),
    },
    bugs,
  };
}
