import type { OpRegistry } from '../opspec/registry.js';
import type { Verdict } from '../oracles/verdict.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { reduceTest } from '../reduce/reduce.js';
import { isSameBug, judgedTestOf } from '../reduce/same-bug.js';
import type { ReductionBudget } from '../reduce/search.js';
import type { BackendOutcome } from '../oracles/evaluate.js';
import type { JudgedTest, SutSession } from '../oracles/sut-session.js';

/**
 * Finds the earlier test that left a SUT's worker broken, for a finding that shows on that worker
 * but not alone in a fresh one. The tests the worker ran before it are replayed in fresh workers,
 * a prefix at a time (bisection: once broken, a worker stays broken), down to the first test after
 * which `victim` fails the same way; that test alone must then break a fresh worker too.
 * Undefined when replaying the whole history does not reproduce the failure (a flaky SUT), or when
 * no single test does it alone.
 */
export async function traceCorruptor(args: {
  session: SutSession;
  history: readonly JudgedTest[];
  victim: JudgedTest;
  verdict: Verdict;
}): Promise<{ setup: JudgedTest; outcome: BackendOutcome } | undefined> {
  const { session, history, victim, verdict } = args;
  const failsAfter = async (setup: readonly JudgedTest[]) => {
    const outcome = await session.afterSetup(setup, victim);
    return outcome && isSameBug(verdict, outcome.verdict) ? outcome : undefined;
  };
  if (history.length === 0 || !(await failsAfter(history))) return undefined;
  // Invariant: replaying history[0..hi] breaks the worker; history[0..lo-1] does not.
  let lo = 0;
  let hi = history.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await failsAfter(history.slice(0, mid + 1))) hi = mid;
    else lo = mid + 1;
  }
  const setup = history[lo]!;
  const outcome = await failsAfter([setup]);
  return outcome ? { setup, outcome } : undefined;
}

/** A model and the values of its graph inputs. */
interface TestValues {
  readonly model: Model;
  readonly inputs: ReadonlyMap<string, Tensor>;
}

/**
 * Reduces a state bug: first the setup test (while it still breaks a fresh worker so that the
 * victim fails the same way), then the victim (while it still fails after the reduced setup).
 */
export async function reduceStateBug(args: {
  session: SutSession;
  setup: TestValues;
  victim: TestValues;
  verdict: Verdict;
  registry: OpRegistry;
  budget: ReductionBudget;
}): Promise<{ setup: JudgedTest; victim: JudgedTest; outcome: BackendOutcome; checks: number; complete: boolean; timedOut: boolean } | undefined> {
  const { session, verdict, registry } = args;
  const victimTest = judgedTestOf(args.victim, registry);
  const afterSetup = async (setup: JudgedTest, victim: JudgedTest) => {
    const outcome = await session.afterSetup([setup], victim);
    return outcome && isSameBug(verdict, outcome.verdict) ? outcome : undefined;
  };
  const half = { checks: Math.ceil(args.budget.checks / 2), ms: args.budget.ms / 2 };
  const setupResult = await reduceTest({
    model: args.setup.model,
    inputs: new Map(args.setup.inputs),
    registry,
    budget: half,
    stillFails: async (c) => (await afterSetup(judgedTestOf(c, registry), victimTest)) !== undefined,
  });
  const setup = judgedTestOf(setupResult, registry);
  const victimResult = await reduceTest({
    model: args.victim.model,
    inputs: new Map(args.victim.inputs),
    registry,
    budget: half,
    stillFails: async (c) => (await afterSetup(setup, judgedTestOf(c, registry))) !== undefined,
  });
  const victim = judgedTestOf(victimResult, registry);
  const outcome = await afterSetup(setup, victim);
  if (!outcome) return undefined;
  return {
    setup,
    victim,
    outcome,
    checks: setupResult.checks + victimResult.checks,
    complete: setupResult.complete && victimResult.complete,
    timedOut: setupResult.timedOut || victimResult.timedOut,
  };
}
