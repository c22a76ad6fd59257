import { holdsTrigger } from '../oracles/signature.js';
import { sameDefectClass } from '../oracles/verdict.js';
import type { BugEntry } from '../store/summary.js';
import type { CorpusBug } from './corpus-bugs.js';

/** Bug classes whose every sighting ends the SUT's worker. */
const EXPENSIVE: ReadonlySet<string> = new Set(['crash', 'hang', 'compile-error', 'runtime-error', 'memory']);

/** Classes one defect may show as (see sameDefectClass). */
const VALUES_OR_MEMORY: ReadonlySet<string> = new Set(['numeric', 'memory']);

/** Whether a listed bug and a finding are of one kind: compatible classes, one family, and for other errors one message. */
function sameKind(b: Pick<BugEntry, 'class' | 'family' | 'pattern'>, finding: FindingKey): boolean {
  if (b.family !== finding.family || !sameDefectClass(b.class, finding.class)) return false;
  return VALUES_OR_MEMORY.has(b.class) || b.pattern === finding.pattern;
}

function sameOps(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What a finding is compared with the bugs already listed by. */
export interface FindingKey {
  readonly class: string;
  readonly family: string;
  readonly pattern: string;
  /** The nodes of the finding's model as op(dtypes) (for numeric findings: of the failing output's cone). */
  readonly trigger: readonly string[];
}

/**
 * The bugs a campaign has listed so far, by signature, and the questions the campaign asks them
 * before spending time on a finding.
 */
export class BugBook {
  private readonly entries = new Map<string, BugEntry>();

  /** @param corpus the bugs of the corpus: a finding that is one of them is listed as that known bug. */
  constructor(private readonly corpus: readonly CorpusBug[] = []) {}

  /** The corpus bug of that name (a corpus entry's folder name), if the corpus has it. */
  corpusBugNamed(name: string): CorpusBug | undefined {
    return this.corpus.find((b) => b.name === name);
  }

  /**
   * The corpus bug a finding is, if any: the one the SUT's recorded bugs name for the model (its
   * failure of the same class, or of one the entry says the bug also shows as), else one of the
   * same kind (class, family, message pattern) whose reduced model's nodes the finding's model
   * holds. `triggerOf` gives a corpus bug's trigger on the finding's SUT.
   */
  corpusBugFor(finding: FindingKey & { named?: string | undefined }, triggerOf: (bug: CorpusBug) => readonly string[]): CorpusBug | undefined {
    if (finding.named !== undefined) {
      const named = this.corpusBugNamed(finding.named);
      if (named && (sameDefectClass(named.signature.class, finding.class) || named.alsoShowsAs.includes(finding.class))) return named;
    }
    return this.corpus.find((b) => {
      const { class: cls, family, pattern } = b.signature;
      return sameKind({ class: cls, family, pattern }, finding) && holdsTrigger(finding.trigger, triggerOf(b));
    });
  }

  get(signature: string): BugEntry | undefined {
    return this.entries.get(signature);
  }

  set(entry: BugEntry): void {
    this.entries.set(entry.signature, entry);
  }

  delete(signature: string): void {
    this.entries.delete(signature);
  }

  values(): BugEntry[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * A listed bug this finding is taken for without confirming or reducing it again: the same class,
   * SUT family and message pattern, in a model that holds every node of that bug's trigger. Most
   * findings of a campaign are repeats of a few bugs, and reduction takes seconds.
   */
  containing(finding: FindingKey, options: { except?: BugEntry; reducedOnly?: boolean } = {}): BugEntry | undefined {
    for (const b of this.entries.values()) {
      if (b === options.except || (options.reducedOnly && !hasReducedTrigger(b)) || b.setup || !sameKind(b, finding)) continue;
      if (holdsAny(finding.trigger, b)) return b;
    }
    return undefined;
  }

  /**
   * A crash, hang or error this SUT already showed whose reduced trigger the model holds: running
   * the test again would cost a worker restart (and for a hang, a timeout) to learn nothing new,
   * so it is counted, not run. Numeric bugs are not skipped: a test that holds a wrong op may still
   * pass, or show another wrong value.
   */
  expensiveOn(sut: string, trigger: readonly string[]): BugEntry | undefined {
    for (const b of this.entries.values()) {
      if (EXPENSIVE.has(b.class) && hasReducedTrigger(b) && b.seenOn.includes(sut) && holdsAny(trigger, b)) return b;
    }
    return undefined;
  }

  /**
   * A bug this SUT showed that leaves its process broken, whose trigger the model holds: a state
   * bug (its setup), or a memory violation (one out-of-bounds write may spoil every later test).
   */
  corruptorOn(sut: string, trigger: readonly string[]): BugEntry | undefined {
    for (const b of this.entries.values()) {
      if ((b.setup || (b.class === 'memory' && b.reduced)) && b.seenOn.includes(sut) && holdsAny(trigger, b)) return b;
    }
    return undefined;
  }

  /**
   * Folds one listing into another of the same bug: its sightings, SUTs and triggers join those of
   * `into`, so that a later test holding either trigger is taken for the bug.
   */
  fold(listed: BugEntry, into: BugEntry): void {
    this.entries.delete(listed.signature);
    into.occurrences += listed.occurrences;
    for (const s of listed.seenOn) if (!into.seenOn.includes(s)) into.seenOn.push(s);
    for (const t of listed.triggers) addTrigger(into, t);
  }

  /**
   * A listed, reduced bug that a newly reduced one is, on the same SUT family:
   * - the same class of error (crash, hang, compile or runtime error) with the same message, around
   *   a common op: a SUT may fail only on a value another op computed for it, and the reductions
   *   then keep that op too, a different one each time;
   * - wrong values and memory violations of the same op set: reading out of bounds faults or returns
   *   garbage, as it happens.
   */
  sameDefectAround(key: { class: string; family: string; pattern: string; kernels: readonly string[] }, except?: BugEntry): BugEntry | undefined {
    for (const b of this.entries.values()) {
      if (b === except || !b.reduced || b.setup || b.family !== key.family) continue;
      if (VALUES_OR_MEMORY.has(key.class) && VALUES_OR_MEMORY.has(b.class)) {
        if (sameOps(b.kernels, key.kernels)) return b;
      } else if (EXPENSIVE.has(key.class) && b.class === key.class && b.pattern === key.pattern && b.kernels.some((k) => key.kernels.includes(k))) {
        return b;
      }
    }
    return undefined;
  }

  /** Counts one more sighting of a bug, on a SUT. */
  seen(entry: BugEntry, sut: string): void {
    entry.occurrences++;
    if (!entry.seenOn.includes(sut)) entry.seenOn.push(sut);
  }
}

/** Whether a bug's triggers are those of reduced models: its own reduction's, or its corpus entry's. */
function hasReducedTrigger(b: BugEntry): boolean {
  return b.reduced !== undefined || b.corpus !== undefined;
}

/** Whether a model's trigger holds one of a bug's triggers. */
function holdsAny(modelTrigger: readonly string[], bug: BugEntry): boolean {
  return bug.triggers.some((t) => holdsTrigger(modelTrigger, t));
}

/** Adds a trigger to a bug unless it has that one already. */
export function addTrigger(bug: BugEntry, trigger: readonly string[]): void {
  const key = trigger.join('|');
  if (!bug.triggers.some((t) => t.join('|') === key)) bug.triggers.push(trigger);
}
