import type { FailedTest } from '../campaign/case-folder.js';
import type { BackendAdapter } from '../backends/adapter.js';
import { modelToOnnx } from '../export/to-onnx.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { Verdict } from '../oracles/verdict.js';
import type { Candidate } from './candidate.js';
import { reduceTest } from './reduce.js';
import { isSameBug, judgeCandidate } from './same-bug.js';

/** How a reduction went, as recorded in the reduced case's meta.json. */
export type ReductionStats = {
  readonly fromNodes: number;
  readonly toNodes: number;
  readonly checks: number;
  readonly accepted: number;
  readonly ms: number;
  readonly budgetMs: number;
  /** Every pass ran to a fixpoint (false: the budget ended it). */
  readonly complete: boolean;
};

/** A reduced test and how the SUT fails on it: what a reduced/ case folder holds. */
export interface ReducedTest extends FailedTest {
  readonly verdict: Verdict;
  readonly stats: ReductionStats;
}

/**
 * Reduces a test that shows `verdict` on the adapter's SUT and judges the result once more for its
 * verdict and outputs. The caller has seen the bug on this test; undefined when the SUT no longer
 * shows it on the reduced test (a flaky SUT).
 */
export async function reduceBug(args: {
  adapter: BackendAdapter;
  test: { model: Model; inputs: ReadonlyMap<string, Tensor> };
  verdict: Verdict;
  registry: OpRegistry;
  budgetMs: number;
  onProgress?: (nodes: number) => void;
}): Promise<ReducedTest | undefined> {
  const { adapter, verdict, registry } = args;
  // The outcome of the last candidate found failing is the outcome of the reduced test.
  let last: { candidate: Candidate; outcome: Awaited<ReturnType<typeof judgeCandidate>> } | undefined;
  const stillFails = async (candidate: Candidate) => {
    const outcome = await judgeCandidate(adapter, candidate, registry);
    const same = isSameBug(verdict, outcome.verdict);
    if (same) last = { candidate, outcome };
    return same;
  };
  const result = await reduceTest({
    model: args.test.model,
    inputs: new Map(args.test.inputs),
    registry,
    stillFails,
    budgetMs: args.budgetMs,
    ...(args.onProgress ? { onProgress: args.onProgress } : {}),
  });
  const reduced: Candidate = { model: result.model, inputs: result.inputs };
  if (last?.candidate.model !== result.model) {
    const outcome = await judgeCandidate(adapter, reduced, registry);
    if (!isSameBug(verdict, outcome.verdict)) return undefined;
    last = { candidate: reduced, outcome };
  }
  const { outcome } = last;
  return {
    model: result.model,
    onnx: modelToOnnx(result.model, registry),
    inputs: result.inputs,
    expected: outcome.expected,
    actual: outcome.actual ?? { error: outcome.verdict.message ?? outcome.verdict.kind },
    verdict: outcome.verdict,
    stats: {
      fromNodes: args.test.model.nodes.length,
      toNodes: result.model.nodes.length,
      checks: result.checks,
      accepted: result.accepted,
      ms: Math.round(result.ms),
      budgetMs: args.budgetMs,
      complete: result.complete,
    },
  };
}
