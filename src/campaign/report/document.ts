import type { BackendDescription } from '../../backends/adapter.js';
import type { AttrValue, ValueInfo } from '../../ir/model.js';
import type { RewriteCoverage } from '../../store/summary.js';

export const REPORT_FORMAT = 'tensorsmith.report/1';

/** What a campaign says of a bug against the signature database (absent when run without one). */
export type ReportBugStatus = 'new' | 'known' | 'regression';

/** The model drawn for a bug: its values and nodes, without weight data. */
export interface ReportGraph {
  readonly inputs: readonly ValueInfo[];
  readonly weights: readonly ValueInfo[];
  readonly nodes: readonly {
    readonly name: string;
    readonly op: string;
    readonly inputs: readonly string[];
    readonly outputs: readonly ValueInfo[];
    readonly attrs: Readonly<Record<string, AttrValue>>;
    /**
     * The op spec's name of the slot each input feeds (Clip: input, min, max), in input order;
     * absent when tensorsmith has no spec of the op at the model's opset.
     */
    readonly inputSlots?: readonly string[];
  }[];
  readonly outputs: readonly string[];
}

export interface ReportElement {
  readonly index: number;
  readonly position: readonly number[];
  readonly expected: number;
  /** Absent when the SUT returned no such element (an error, or a different shape). */
  readonly actual?: number;
  /** Out of tolerance, or a NaN/Inf where the reference has another value. */
  readonly mismatch: boolean;
}

/** A run of consecutive elements of one output: the region around the worst element, or the first ones. */
export interface ReportOutputWindow {
  readonly output: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Shape the SUT returned, when it differs from the reference's. */
  readonly actualShape?: readonly number[];
  readonly size: number;
  readonly mismatches: number;
  readonly elements: readonly ReportElement[];
}

/** The first values of one model input, as inputs.json holds them. */
export interface ReportInputPreview {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** The first elements in row-major order (all of them for a small input). */
  readonly values: readonly number[];
}

export interface ReportWorst {
  readonly output: string;
  readonly index: number;
  readonly position: readonly number[];
  readonly expected: number;
  readonly actual: number;
  readonly errorRatio: number;
  /** Judged by error bounds: the element's bound (see WorstElement.bound). */
  readonly bound?: number;
}

export interface ReportBackendStats {
  readonly verdicts: Readonly<Record<string, number>>;
  readonly unsupported: Readonly<Record<string, number>>;
  readonly skippedKnown: number;
}

export interface ReportBug {
  readonly signature: string;
  readonly verdict: string;
  /** Every SUT that showed the bug (one root cause on several SUTs of a family is one bug). */
  readonly seenOn: readonly string[];
  /** For a state bug: the ops of the earlier test that leaves the SUT broken, and its test index. */
  readonly setup?: { readonly ops: readonly string[]; readonly testIndex?: number };
  readonly backend: { readonly name: string; readonly package?: string; readonly version?: string };
  readonly status?: ReportBugStatus;
  /** The corpus entry (corpus/NAME) the bug is, when it is one. */
  readonly corpus?: string;
  readonly ops: readonly string[];
  readonly message?: string;
  readonly occurrences: number;
  readonly firstSeen: { readonly seed: string; readonly testIndex: number };
  /** The case folder, relative to the campaign folder ('/'-separated). */
  readonly caseDir: string;
  /** The folder whose model and values this report shows: the reduced one when there is one. */
  readonly shownDir: string;
  readonly reduced?: { readonly nodes: number; readonly dir: string };
  /** Nodes of the original model, when its model.json could be read. */
  readonly originalNodes?: number;
  /** The standalone script (relative to the campaign folder), when one was written. */
  readonly reproScript?: string;
  readonly replayCommand: string;
  readonly worst?: ReportWorst;
  readonly graph?: ReportGraph;
  readonly values: readonly ReportOutputWindow[];
  /** The model inputs the shown test feeds, in the model's input order (empty when inputs.json could not be read). */
  readonly inputValues: readonly ReportInputPreview[];
  /** The SUT's own error instead of outputs (compile, runtime errors, crashes, hangs). */
  readonly actualError?: string;
  /** What could not be read of the case folder; the rest of the entry comes from summary.json. */
  readonly problems: readonly string[];
}

/** Everything a report shows, independent of its format; the json format is this document itself. */
export interface ReportDocument {
  readonly format: typeof REPORT_FORMAT;
  readonly campaign: {
    /** The campaign folder as it was given. */
    readonly dir: string;
    readonly seed: string;
    readonly tests: number;
    readonly discarded: number;
    readonly testsPerSec: number;
    readonly elapsedSec: number;
    readonly toolVersion?: string;
  };
  /** Each SUT's package and version, and its device when summary.json or a case's meta.json records one. */
  readonly backends: readonly BackendDescription[];
  readonly verdicts: Readonly<Record<string, number>>;
  /** Per SUT: verdict counts, why it judged nothing on some tests (with counts), tests skipped because they hold a crash, hang or error it showed. */
  readonly perBackend: Readonly<Record<string, ReportBackendStats>>;
  /** Why tests were discarded, with counts. */
  readonly discardReasons: Readonly<Record<string, number>>;
  /** Findings that did not reproduce alone and could not be traced (not listed as bugs). */
  readonly unconfirmed: number;
  /** Bugs left unreduced when reduction had taken its share of the campaign's time. */
  readonly unreduced: number;
  /** Errors of tensorsmith itself during the campaign. */
  readonly internalErrors: readonly { readonly where: string; readonly message: string }[];
  /** Rewrite coverage per SUT (see RewriteCoverage). */
  readonly coverage: RewriteCoverage;
  readonly totals: {
    readonly bugs: number;
    /** Every bug-verdict sighting, repeated ones included. */
    readonly findings: number;
    readonly new: number;
    readonly known: number;
    readonly regression: number;
  };
  /** Regressions first, then new bugs, bugs without a status, known ones; then by signature. */
  readonly bugs: readonly ReportBug[];
}
