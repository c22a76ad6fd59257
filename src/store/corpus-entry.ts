import { readJsonFile } from './json-file.js';
import { FieldReader } from './fields.js';

/**
 * What makes a case folder a corpus entry (corpus/NAME/corpus.json): the triage a person did, which
 * no campaign can: the title, the sentence of the ONNX specification the SUT breaks, and the bug's
 * upstream status.
 */
export interface CorpusEntry {
  readonly title: string;
  /** The SUTs the bug was reproduced on, alone in a fresh process. */
  readonly seenOn: readonly string[];
  /** The SUTs the corpus test replays it on (those of seenOn that run in Node, where there are). */
  readonly replayOn: readonly string[];
  readonly spec: { readonly op: string; readonly sentence: string };
  /** What the SUT does instead, and why that breaks the sentence. */
  readonly explanation?: string;
  /**
   * Bug classes other models show this bug as, besides the case's own (a fusion that drops a value
   * crashes one model and makes another invalid; a dropped axis is wrong values, then a shape error
   * in the next op): a failure of one of these classes in a model the SUT's recorded bugs name as
   * this entry is taken for it without reduction.
   */
  readonly alsoShowsAs?: readonly string[];
  readonly status: 'open' | 'reported' | 'fixed';
  /** The upstream issue, or the version that fixed it. */
  readonly upstream?: string;
}

const STATUSES = ['open', 'reported', 'fixed'] as const;

/** The classes a bug signature has (see bugSignature; 'memory' for a memory violation). */
const DEFECT_CLASSES = ['numeric', 'memory', 'crash', 'hang', 'compile-error', 'runtime-error', 'state'] as const;

export function readCorpusEntry(file: string): CorpusEntry {
  const raw = readJsonFile(file);
  const r = new FieldReader(file, 'fix the field (corpus/README.md says what each holds)');
  const o = r.object(raw, 'corpus.json');
  const spec = r.object(o.spec, 'spec');
  const status = r.oneOf(o.status, STATUSES, 'status');
  return {
    title: r.string(o.title, 'title'),
    seenOn: r.strings(o.seenOn, 'seenOn'),
    replayOn: r.strings(o.replayOn, 'replayOn'),
    spec: { op: r.string(spec.op, 'spec.op'), sentence: r.string(spec.sentence, 'spec.sentence') },
    ...(o.explanation !== undefined ? { explanation: r.string(o.explanation, 'explanation') } : {}),
    ...(o.alsoShowsAs !== undefined ? { alsoShowsAs: r.strings(o.alsoShowsAs, 'alsoShowsAs').map((c, i) => r.oneOf(c, DEFECT_CLASSES, `alsoShowsAs[${i}]`)) } : {}),
    status,
    ...(o.upstream !== undefined ? { upstream: r.string(o.upstream, 'upstream') } : {}),
  };
}
