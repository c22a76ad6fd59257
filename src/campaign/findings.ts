import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import type { OpRegistry } from '../opspec/registry.js';
import { holdsTrigger, type BugSignature } from '../oracles/signature.js';
import { isBug, isMemoryViolation, isNumeric, type Verdict } from '../oracles/verdict.js';
import { singleOpCulprit } from '../reduce/culprit.js';
import { reduceBug, type ReducedTest } from '../reduce/reduce-bug.js';
import { isSameBug } from '../reduce/same-bug.js';
import type { ReductionBudget } from '../reduce/search.js';
import { addTrigger, type BugBook } from './bug-book.js';
import type { CorpusBug } from './corpus-bugs.js';
import { writeCaseFolder, type BugCase, type CaseMeta } from '../store/case-folder.js';
import type { BackendOutcome } from '../oracles/evaluate.js';
import type { SignatureDb } from '../store/signatures.js';
import { reduceStateBug, traceCorruptor } from './state-trace.js';
import type { BugEntry, InternalError, UnconfirmedFinding } from '../store/summary.js';
import { failedTestOf, type JudgedTest, type SutSession } from '../oracles/sut-session.js';
import { OutOfTime } from '../oracles/out-of-time.js';
import { present } from '../store/fields.js';

/** How a campaign reduces its new bugs: the budget of each, and the share of the campaign's time reduction may take. */
export interface ReductionPolicy {
  readonly budget: ReductionBudget;
  /** 0..1: reduction stops starting once it has taken this share of the campaign's time; the rest waits. */
  readonly share: number;
}

/** A confirmed finding whose case folder is written but which is not reduced yet. */
/** The shortest wall-clock cap a reduction gets, however little of the share is left. */
const MIN_REDUCTION_MS = 10_000;

/** A finding that did not reproduce alone, waiting to be traced to the test that broke its worker. */
export interface PendingTrace {
  readonly sessionName: string;
  /** The tests its worker ran before it, oldest first. */
  readonly history: readonly JudgedTest[];
  readonly victim: JudgedTest;
  readonly verdict: Verdict;
}

export interface PendingReduction {
  readonly sessionName: string;
  readonly test: JudgedTest;
  /** The confirmed outcome: its verdict is what the reduction keeps. */
  readonly outcome: BackendOutcome;
  /** The signature it is listed under until it is reduced (that of the whole model). */
  readonly signature: string;
}

/** What the finding handler needs of the campaign around it. */
export interface FindingContext {
  readonly seed: string;
  readonly registry: OpRegistry;
  readonly book: BugBook;
  readonly db: SignatureDb;
  readonly outDir: string;
  readonly sessions: readonly SutSession[];
  readonly reduction: ReductionPolicy | undefined;
  /** The case record of a test on a SUT, for a signature and verdict (the campaign fills seed, config, versions). */
  meta(args: { session: SutSession; testIndex: number; signature: BugSignature; verdict: Verdict; extra?: Partial<CaseMeta> }): CaseMeta;
  /** Whether reduction may start now (its share of the campaign's time is not spent). */
  mayReduce(): boolean;
  /** What is left of reduction's share of the campaign's time, in ms. */
  reductionAllowanceMs(): number;
  /** Adds time spent reducing to the campaign's account. */
  spentReducing(ms: number): void;
  readonly pending: PendingReduction[];
  /** Findings waiting to be traced (see PendingTrace). */
  readonly traces: PendingTrace[];
  internalError(e: InternalError): void;
  /** A finding that did not reproduce alone and could not be traced to an earlier test. */
  unconfirmed(finding: UnconfirmedFinding): void;
  /** A bug is listed for good: reduced, or (reduction off or out of its share) as found. */
  listed(entry: BugEntry): void;
  /**
   * A case folder (relative to outDir) this step made obsolete: removed when the step is committed,
   * so that a kill before that leaves what the redone step needs.
   */
  remove(dir: string): void;
  /** Keeps summary.json current (the campaign commits its progress between steps). */
  save(): void;
}

/**
 * What the campaign does with a finding (a bug verdict of one test on one SUT):
 * 1. a finding whose model holds a listed bug's trigger (same class, family and message pattern)
 *    is another sighting of it;
 * 2. otherwise it must reproduce alone in a fresh worker; one that does not is traced to the earlier
 *    test that broke the worker (a state bug), or counted as unconfirmed;
 * 3. a confirmed finding gets its case folder, then is reduced (or waits, when reduction has taken
 *    its share of the campaign's time) and listed under the signature of its reduced test, once.
 */
export class FindingHandler {
  constructor(private readonly ctx: FindingContext) {}

  /**
   * Handles a finding; the listed bug it was counted under (undefined: it did not reproduce alone,
   * and is traced or counted as unconfirmed).
   */
  async handle(args: { session: SutSession; test: JudgedTest; outcome: BackendOutcome; aloneAlready: boolean }): Promise<BugEntry | undefined> {
    const { session, test } = args;
    let outcome = args.outcome;
    const verdict = outcome.verdict;
    const known = this.knownSighting(session, test, outcome);
    if (known) return known;
    if (!args.aloneAlready && outcome.alone !== true && session.isolated) {
      const history = session.ranSinceStart.slice();
      const alone = await session.confirm(test);
      if (!isSameBug(verdict, alone.verdict)) {
        // It fails alone, but otherwise: that is the finding.
        if (isBug(alone.verdict.kind)) return this.handle({ session, test, outcome: alone, aloneAlready: true });
        await this.stateSuspicion(session, history, test, verdict);
        return undefined;
      }
      outcome = alone;
    }
    return this.confirmed(session, test, outcome);
  }

  /** Counts a finding as a sighting of a listed bug or of a corpus bug, if it is one: that bug. */
  private knownSighting(session: SutSession, test: JudgedTest, outcome: BackendOutcome): BugEntry | undefined {
    const verdict = outcome.verdict;
    // A test that breaks this SUT's process (a listed state bug's setup) may fail any way itself.
    const broken = this.ctx.book.corruptorOn(session.name, session.triggerOf(test.model));
    if (broken) {
      this.ctx.book.seen(broken, session.name);
      return broken;
    }
    const signature = session.signatureOf(verdict, test.model);
    const output = isNumeric(verdict.kind) ? verdict.worst?.output : undefined;
    const key = { class: signature.class, family: signature.family, pattern: signature.pattern, trigger: session.triggerOf(test.model, output) };
    // Only a reduced bug's trigger is small enough to attribute another model to it.
    const known = this.ctx.book.get(signature.hash) ?? this.ctx.book.containing(key, { reducedOnly: true });
    if (known) {
      this.ctx.book.seen(known, session.name);
      return known;
    }
    const corpusBug = this.ctx.book.corpusBugFor({ ...key, named: outcome.knownBug?.corpus }, (b) => session.triggerOf(b.model, b.output));
    return corpusBug && this.corpusSighting(corpusBug, session, test, outcome);
  }

  /**
   * The first sighting in this campaign of a bug of the corpus: listed as that known bug, under its
   * corpus signature, with this test as its case folder (not confirmed again nor reduced: the corpus
   * holds its reduced case); later sightings are counted against it.
   */
  private corpusSighting(bug: CorpusBug, session: SutSession, test: JudgedTest, outcome: BackendOutcome): BugEntry {
    const listed = this.ctx.book.get(bug.signature.hash);
    if (listed) {
      this.ctx.book.seen(listed, session.name);
      return listed;
    }
    const { verdict } = outcome;
    const testIndex = test.testIndex ?? -1;
    const dir = join('bugs', bug.signature.hash);
    writeCaseFolder(join(this.ctx.outDir, dir), {
      ...failedTestOf(test, outcome),
      meta: this.ctx.meta({ session, testIndex, signature: bug.signature, verdict, extra: { status: this.ctx.db.statusOf(bug.signature.hash) } }),
    });
    const entry: BugEntry = { ...this.entry({ session, signature: bug.signature, verdict, testIndex, trigger: session.triggerOf(bug.model, bug.output), dir }), corpus: bug.name };
    this.ctx.book.set(entry);
    this.finish(entry);
    this.ctx.listed(entry);
    this.ctx.save();
    return entry;
  }

  /** A confirmed finding: its case folder, then its reduction (now or later). */
  private confirmed(session: SutSession, test: JudgedTest, outcome: BackendOutcome): BugEntry {
    const verdict = outcome.verdict;
    const whole = session.signatureOf(verdict, test.model);
    const testIndex = test.testIndex ?? -1;
    const found: BugCase = {
      model: test.model,
      onnx: test.onnx,
      inputs: test.inputs,
      expected: test.expected,
      actual: outcome.actual ?? { error: verdict.message ?? verdict.kind },
      meta: this.ctx.meta({ session, testIndex, signature: whole, verdict, extra: { status: this.ctx.db.statusOf(whole.hash) } }),
    };
    // On disk before reduction starts: a crash during it loses nothing.
    writeCaseFolder(join(this.ctx.outDir, 'bugs', whole.hash), found);
    const entry = this.entry({ session, signature: whole, verdict, testIndex, trigger: session.triggerOf(test.model), dir: join('bugs', whole.hash) });
    this.ctx.book.set(entry);
    // Reduced once the test's step is committed (a step of its own, so that a kill during it redoes only it).
    if (this.ctx.reduction) this.ctx.pending.push({ sessionName: session.name, test, outcome, signature: whole.hash });
    else this.finish(entry);
    if (!this.ctx.reduction) this.ctx.listed(entry);
    this.ctx.save();
    return entry;
  }

  /**
   * A listed bug waiting for reduction that a bug reduced since turns out to explain (its model
   * holds that bug's trigger): merged into it, without reducing. True when it was.
   */
  absorb(pending: PendingReduction): boolean {
    const listed = this.ctx.book.get(pending.signature);
    if (!listed) return true;
    const session = this.ctx.sessions.find((s) => s.name === pending.sessionName);
    if (!session) return false;
    const verdict = pending.outcome.verdict;
    const output = isNumeric(verdict.kind) ? verdict.worst?.output : undefined;
    const trigger = session.triggerOf(pending.test.model, output);
    const key = { class: listed.class, family: listed.family, pattern: listed.pattern, trigger };
    const into = this.ctx.book.corruptorOn(session.name, session.triggerOf(pending.test.model)) ?? this.ctx.book.containing(key, { except: listed, reducedOnly: true });
    if (!into) return false;
    this.merge(listed, into);
    return true;
  }

  /** One listing folded into another of the same bug: its folder goes, its sightings and triggers stay. */
  private merge(listed: BugEntry, into: BugEntry): void {
    this.ctx.remove(listed.dir);
    this.ctx.book.fold(listed, into);
  }

  /** Reduces a listed, unreduced bug and lists it under its reduced signature (merging it into an equal one). */
  async reduce(pending: PendingReduction): Promise<void> {
    const session = this.ctx.sessions.find((s) => s.name === pending.sessionName);
    const listed = this.ctx.book.get(pending.signature);
    if (!session || !listed || !this.ctx.reduction) return;
    const t0 = performance.now();
    let reduced: ReducedTest | undefined;
    try {
      const budget = this.budget();
      const verdict = pending.outcome.verdict;
      const culprit = await singleOpCulprit({ session, test: pending.test, verdict, registry: this.ctx.registry, maxChecks: budget.checks });
      reduced = culprit?.reduced ?? (await reduceBug({ session, test: pending.test, verdict, registry: this.ctx.registry, budget }));
    } catch (e) {
      if (e instanceof UserError || e instanceof OutOfTime) throw e;
      this.ctx.internalError({ where: `reducing ${listed.dir}`, testIndex: listed.firstSeen.testIndex, message: (e as Error).message.split('\n')[0]! });
    } finally {
      this.ctx.spentReducing(performance.now() - t0);
    }
    if (!reduced) {
      this.finish(listed);
      this.ctx.listed(listed);
      return;
    }
    // Reduced to a model the SUT's recorded bugs name: that corpus bug, however it failed (the
    // same defect may show as wrong values on one backend and as an error on another).
    const named = session.adapter.knownBug?.(reduced.model);
    const corpusBug = named && this.ctx.book.corpusBugNamed(named.corpus);
    if (corpusBug) return this.listAsCorpusBug(listed, corpusBug, session, pending);
    // A memory violation whose reduced test shows garbage values is still a memory violation.
    const original = pending.outcome.verdict;
    const signature = session.signatureOf(isMemoryViolation(original) && isNumeric(reduced.verdict.kind) ? original : reduced.verdict, reduced.model);
    // Another model reduced to the same bug: one case per signature, and its trigger is one more of
    // that bug's. A test that breaks the SUT's process is that state bug, however it failed itself.
    const into =
      this.ctx.book.get(signature.hash) ??
      this.ctx.book.corruptorOn(session.name, session.triggerOf(reduced.model)) ??
      this.ctx.book.sameDefectAround(signature, listed);
    if (into && into !== listed) {
      listed.triggers = [session.triggerOf(reduced.model)];
      this.ctx.db.alias(into.signature, signature.hash);
      return this.merge(listed, into);
    }
    const dir = join('bugs', signature.hash);
    const status = this.ctx.db.statusOf(signature.hash);
    const base = failedTestOf(pending.test, pending.outcome);
    const verdict = pending.outcome.verdict;
    const meta = (v: Verdict, extra: Partial<CaseMeta>) => this.ctx.meta({ session, testIndex: listed.firstSeen.testIndex, signature, verdict: v, extra: { status, ...extra } });
    writeCaseFolder(join(this.ctx.outDir, dir), {
      ...base,
      meta: meta(verdict, {}),
      reduced: { ...reduced, meta: meta(reduced.verdict, { reduction: reduced.stats }) },
    });
    if (dir !== listed.dir) this.ctx.remove(listed.dir);
    this.ctx.book.delete(listed.signature);
    const entry: BugEntry = {
      ...this.entry({ session, signature, verdict: reduced.verdict, testIndex: listed.firstSeen.testIndex, trigger: session.triggerOf(reduced.model), dir }),
      occurrences: listed.occurrences,
      seenOn: listed.seenOn,
      reduced: { nodes: reduced.model.nodes.length, dir: join(dir, 'reduced') },
      ...(reduced.verdict.message ? { message: reduced.verdict.message } : {}),
    };
    this.ctx.book.set(entry);
    if (entry.class === 'memory') this.absorbBrokenTests(entry, session.name);
    await this.seenOnFamily(entry, session, { model: reduced.model, onnx: reduced.onnx, inputs: reduced.inputs, expected: reduced.expected }, reduced.verdict);
    this.finish(entry);
    this.ctx.listed(entry);
  }

  /** A listed, unreduced finding that turned out to be a corpus bug: folded into that bug's listing (made now if it has none). */
  private listAsCorpusBug(listed: BugEntry, bug: CorpusBug, session: SutSession, pending: PendingReduction): void {
    let into = this.ctx.book.get(bug.signature.hash);
    if (!into) {
      into = this.corpusSighting(bug, session, pending.test, pending.outcome);
      // Its sightings are the listing's, which the fold adds.
      into.occurrences = 0;
    }
    this.merge(listed, into);
  }

  /** A bug's listing is final: the signature database learns of it (on disk when the step is committed). */
  finish(entry: BugEntry): void {
    this.ctx.db.record(
      { class: entry.class, family: entry.family, ops: entry.ops, pattern: entry.pattern, hash: entry.signature },
      new Date().toISOString(),
      join(this.ctx.outDir, entry.dir),
    );
  }

  /** Runs a reduced bug on the other SUTs of its family, and adds those that show it to seenOn. */
  private async seenOnFamily(entry: BugEntry, from: SutSession, test: JudgedTest, verdict: Verdict): Promise<void> {
    for (const other of this.ctx.sessions) {
      if (other === from || other.family !== from.family || entry.seenOn.includes(other.name)) continue;
      let outcome: BackendOutcome;
      try {
        outcome = await other.evaluate(test);
      } catch (e) {
        // The bug is listed already: past the deadline, seenOn stays as far as it got.
        if (e instanceof OutOfTime) return;
        throw e;
      }
      if (isSameBug({ ...verdict, backend: other.name }, outcome.verdict)) entry.seenOn.push(other.name);
    }
  }

  /**
   * A finding that does not reproduce alone: one of the tests the worker ran before it left the
   * worker broken. Traced and reduced, it is listed once as a state bug, identified by the test that
   * breaks the worker; untraceable, it is only counted.
   */
  private async stateSuspicion(session: SutSession, history: readonly JudgedTest[], victim: JudgedTest, verdict: Verdict): Promise<void> {
    for (const h of history) {
      const known = this.ctx.book.corruptorOn(session.name, session.triggerOf(h.model));
      if (known) {
        this.ctx.book.seen(known, session.name);
        return;
      }
    }
    // Tracing replays the worker's history in fresh workers: it waits, like a reduction, while
    // reduction has taken its share of the campaign's time.
    if (!this.ctx.mayReduce()) {
      this.ctx.traces.push({ sessionName: session.name, history, victim, verdict });
      return;
    }
    await this.trace({ sessionName: session.name, history, victim, verdict });
  }

  /** Traces a finding that did not reproduce alone, then reduces and lists it as a state bug (see stateSuspicion). */
  async trace(pending: PendingTrace): Promise<void> {
    const session = this.ctx.sessions.find((s) => s.name === pending.sessionName);
    if (!session) return;
    const { history, victim, verdict } = pending;
    for (const h of history) {
      const known = this.ctx.book.corruptorOn(session.name, session.triggerOf(h.model));
      if (known) {
        this.ctx.book.seen(known, session.name);
        return;
      }
    }
    const t0 = performance.now();
    try {
      const traced = await traceCorruptor({ session, history, victim, verdict });
      if (!traced) {
        const { kind, message } = verdict;
        return this.ctx.unconfirmed({ backend: session.name, testIndex: victim.testIndex ?? -1, verdict: kind, ...(message ? { message } : {}) });
      }
      const reduced = this.ctx.reduction
        ? await reduceStateBug({ session, setup: traced.setup, victim, verdict, registry: this.ctx.registry, budget: this.budget() })
        : undefined;
      const setup = reduced?.setup ?? traced.setup;
      const finalVictim = reduced?.victim ?? victim;
      const outcome = reduced?.outcome ?? traced.outcome;
      const signature = session.signatureOf(outcome.verdict, finalVictim.model, setup.model);
      // The setup may hold a bug already listed that breaks the process (a memory violation).
      const known = this.ctx.book.get(signature.hash) ?? this.ctx.book.corruptorOn(session.name, session.triggerOf(setup.model));
      if (known) {
        this.ctx.book.seen(known, session.name);
        addTrigger(known, session.triggerOf(setup.model));
        return;
      }
      const dir = join('bugs', signature.hash);
      const testIndex = victim.testIndex ?? -1;
      const setupIndex = traced.setup.testIndex;
      const extra: Partial<CaseMeta> = { status: this.ctx.db.statusOf(signature.hash), setup: setupIndex !== undefined ? { testIndex: setupIndex } : {} };
      const meta = (v: Verdict, more: Partial<CaseMeta> = {}) => this.ctx.meta({ session, testIndex, signature, verdict: v, extra: { ...extra, ...more } });
      writeCaseFolder(join(this.ctx.outDir, dir), {
        ...failedTestOf(victim, traced.outcome),
        meta: meta(traced.outcome.verdict),
        setup: traced.setup,
        ...(reduced
          ? {
              reduced: {
                ...failedTestOf(reduced.victim, reduced.outcome),
                meta: meta(reduced.outcome.verdict, { reduction: { checks: reduced.checks, complete: reduced.complete, timedOut: reduced.timedOut } }),
                setup: reduced.setup,
              },
            }
          : {}),
      });
      const entry: BugEntry = {
        ...this.entry({ session, signature, verdict: outcome.verdict, testIndex, trigger: session.triggerOf(setup.model), dir }),
        setup: { ...(setupIndex !== undefined ? { testIndex: setupIndex } : {}), ops: signature.ops },
        ...(reduced ? { reduced: { nodes: reduced.victim.model.nodes.length, dir: join(dir, 'reduced') } } : {}),
      };
      this.ctx.book.set(entry);
      this.absorbBrokenTests(entry, session.name);
      this.finish(entry);
      this.ctx.listed(entry);
    } finally {
      this.ctx.spentReducing(performance.now() - t0);
      this.ctx.save();
    }
  }

  /**
   * A test that breaks a SUT's process (a state bug's setup, a memory violation) often fails itself
   * too, and breaks the tests after it (tfjs-wasm's where on bools reads past its buffers: wrong
   * values, an abort, or a broken heap). Listings on that SUT whose tests hold the breaking bug's
   * trigger are that bug: folded into it, waiting ones too.
   */
  private absorbBrokenTests(breaking: BugEntry, sut: string): void {
    const trigger = breaking.triggers[0]!;
    for (const b of this.ctx.book.values()) {
      if (b === breaking || !b.seenOn.includes(sut) || !b.triggers.some((t) => holdsTrigger(t, trigger))) continue;
      const waiting = this.ctx.pending.findIndex((p) => p.signature === b.signature);
      if (waiting >= 0) this.ctx.pending.splice(waiting, 1);
      this.ctx.db.alias(breaking.signature, b.signature);
      this.merge(b, breaking);
    }
  }

  /**
   * One reduction's budget: the policy's checks, and its wall-clock cap no longer than what is left
   * of reduction's share of the campaign (at least MIN_REDUCTION_MS), so that one slow SUT's
   * reduction cannot eat the campaign.
   */
  private budget(): ReductionBudget {
    const policy = this.ctx.reduction!.budget;
    return { checks: policy.checks, ms: Math.min(policy.ms, Math.max(MIN_REDUCTION_MS, this.ctx.reductionAllowanceMs())) };
  }

  private entry(args: { session: SutSession; signature: BugSignature; verdict: Verdict; testIndex: number; trigger: readonly string[]; dir: string }): BugEntry {
    const { session, signature, verdict } = args;
    return {
      signature: signature.hash,
      class: signature.class,
      family: signature.family,
      verdict: verdict.kind,
      backend: session.name,
      seenOn: [session.name],
      dir: args.dir,
      ops: signature.ops,
      kernels: signature.kernels,
      triggers: [args.trigger],
      pattern: signature.pattern,
      firstSeen: { seed: this.ctx.seed, testIndex: args.testIndex },
      occurrences: 1,
      status: this.ctx.db.statusOf(signature.hash),
      ...(verdict.message ? { message: verdict.message } : {}),
      ...present('corpus', this.ctx.db.corpusName(signature.hash)),
    };
  }
}
