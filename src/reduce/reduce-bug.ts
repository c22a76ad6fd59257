import type { FailedTest } from '../store/case-folder.js';
import type { BackendOutcome } from '../oracles/evaluate.js';
import { failedTestOf, type JudgedTest, type SutSession } from '../oracles/sut-session.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { Verdict } from '../oracles/verdict.js';
import type { Candidate } from './candidate.js';
import { reduceTest } from './reduce.js';
import { isSameBug, judgedTestOf } from './same-bug.js';
import { DEFAULT_REDUCTION_BUDGET, type ReductionBudget } from './search.js';

/** How a reduction went, as recorded in the reduced case's meta.json. */
export type ReductionStats = {
  readonly fromNodes: number;
  readonly toNodes: number;
  readonly checks: number;
  readonly accepted: number;
  readonly ms: number;
  readonly budgetChecks: number;
  readonly budgetMs: number;
  /** Every pass ran to a fixpoint (false: the budget ended it). */
  readonly complete: boolean;
  /** The wall-clock cap ended it, not the check budget. */
  readonly timedOut: boolean;
};

/** A reduced test and how the SUT fails on it: what a reduced/ case folder holds. */
export interface ReducedTest extends FailedTest {
  readonly verdict: Verdict;
  readonly stats: ReductionStats;
}

/**
 * Judges a candidate the way a finding is judged: on the session's worker (adaptive timeout), and
 * when that shows the bug, once more alone in a fresh worker, so that a worker another candidate
 * left broken never decides. A crash or hang ends its worker anyway: such a candidate runs once,
 * alone in a fresh worker, at the adaptive timeout (the full one per candidate would cost that much).
 * Fresh, not pristine: the bug was confirmed in a pristine worker before its reduction, and a new
 * browser per candidate would cost seconds each.
 */
export async function judgeConfirmed(session: SutSession, test: JudgedTest, target: Verdict): Promise<BackendOutcome | undefined> {
  if (session.isolated && (target.kind === 'crash' || target.kind === 'hang')) {
    const alone = await session.confirm(test, { fullTimeout: false, pristine: false });
    return isSameBug(target, alone.verdict) ? alone : undefined;
  }
  const first = await session.evaluate(test);
  if (!isSameBug(target, first.verdict)) return undefined;
  if (!session.isolated || first.alone) return first;
  const alone = await session.confirm(test, { fullTimeout: target.kind !== 'hang', pristine: false });
  return isSameBug(target, alone.verdict) ? alone : undefined;
}

/**
 * Reduces a test that shows `verdict` on the session's SUT and judges the result once more for its
 * verdict and outputs. The caller has seen the bug on this test; undefined when the SUT no longer
 * shows it on the reduced test (a flaky SUT).
 */
export async function reduceBug(args: {
  session: SutSession;
  test: { model: Model; inputs: ReadonlyMap<string, Tensor> };
  verdict: Verdict;
  registry: OpRegistry;
  budget?: ReductionBudget;
  onProgress?: (nodes: number) => void;
}): Promise<ReducedTest | undefined> {
  const { session, verdict, registry } = args;
  const budget = args.budget ?? DEFAULT_REDUCTION_BUDGET;
  // The outcome of the last candidate found failing is the outcome of the reduced test.
  let last: { candidate: Candidate; test: JudgedTest; outcome: BackendOutcome } | undefined;
  const stillFails = async (candidate: Candidate) => {
    const test = judgedTestOf(candidate, registry);
    const outcome = await judgeConfirmed(session, test, verdict);
    if (outcome) last = { candidate, test, outcome };
    return outcome !== undefined;
  };
  const result = await reduceTest({
    model: args.test.model,
    inputs: new Map(args.test.inputs),
    registry,
    stillFails,
    budget,
    ...(args.onProgress ? { onProgress: args.onProgress } : {}),
  });
  if (last?.candidate.model !== result.model) {
    const test = judgedTestOf({ model: result.model, inputs: result.inputs }, registry);
    const outcome = await judgeConfirmed(session, test, verdict);
    if (!outcome) return undefined;
    last = { candidate: { model: result.model, inputs: result.inputs }, test, outcome };
  }
  const { outcome, test } = last;
  return {
    ...failedTestOf(test, outcome),
    verdict: outcome.verdict,
    stats: {
      fromNodes: args.test.model.nodes.length,
      toNodes: result.model.nodes.length,
      checks: result.checks,
      accepted: result.accepted,
      ms: Math.round(result.ms),
      budgetChecks: budget.checks,
      budgetMs: budget.ms,
      complete: result.complete,
      timedOut: result.timedOut,
    },
  };
}
