import { outputInfos, type Model } from '../ir/model.js';
import { compareOutputs } from '../oracles/compare.js';
import type { BackendOutcome } from '../oracles/evaluate.js';
import { toleranceDtypes } from '../oracles/precision.js';
import type { SutSession } from '../oracles/sut-session.js';
import { isNumeric, sameDefectClass } from '../oracles/verdict.js';
import type { BugEntry } from '../store/summary.js';

/** A SUT's failure on the current test, and the listed bug it was counted under. */
export interface TestFailure {
  readonly session: SutSession;
  readonly outcome: BackendOutcome;
  readonly entry: BugEntry;
}

/**
 * The failure of another SUT on this test that `session`'s failure is, when `session` runs that
 * SUT's code too (BackendAdapter.sharesCodeWith) and fails the same way: the same class and, for
 * values, the same wrong values (the two SUTs agree with each other); for errors, the same message.
 * onnxruntime's WebGPU provider and its wasm provider both give a graph optimizer's wrong values:
 * one bug of onnxruntime, not a second one of its WebGPU provider.
 */
export function sharedCodeFailure(session: SutSession, outcome: BackendOutcome, model: Model, failures: readonly TestFailure[]): TestFailure | undefined {
  const shared = session.adapter.sharesCodeWith;
  if (!shared || shared.length === 0) return undefined;
  const own = session.signatureOf(outcome.verdict, model);
  return failures.find((f) => {
    if (!shared.includes(f.session.family)) return false;
    const other = f.session.signatureOf(f.outcome.verdict, model);
    if (!sameDefectClass(own.class, other.class)) return false;
    if (!isNumeric(outcome.verdict.kind)) return own.pattern === other.pattern;
    if (!outcome.actual || !f.outcome.actual) return false;
    const between = compareOutputs({ backend: session.name, outputs: outputInfos(model), expected: f.outcome.actual, actual: outcome.actual, toleranceDtypes: toleranceDtypes(model) });
    return between.kind === 'ok';
  });
}
