import type { BackendAdapter } from '../backends/adapter.js';
import { evaluateOnBackend, type BackendOutcome } from '../oracles/evaluate.js';
import type { JudgedTest } from '../oracles/sut-session.js';
import { modelToOnnx } from '../export/to-onnx.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import { normalizeMessage } from '../oracles/signature.js';
import { defectClass, sameDefectClass, type Verdict } from '../oracles/verdict.js';
import { runReference } from '../reference-runtime/executor.js';
import type { Candidate, StillFails } from './candidate.js';

/**
 * Whether `found` is the same bug as `target`: the same class of verdict on the same SUT (wrong
 * results and NaN/Inf mismatches are one class, and so are they with memory violations: a
 * reduction may move between them), and for other crashes, hangs and errors the same message once
 * numbers, lists and names are stripped.
 */
export function isSameBug(target: Verdict, found: Verdict): boolean {
  const cls = defectClass(target);
  const foundCls = defectClass(found);
  if (!sameDefectClass(cls, foundCls) || found.backend !== target.backend) return false;
  if (cls === 'numeric' || cls === 'memory') return true;
  return normalizeMessage(found.message ?? '') === normalizeMessage(target.message ?? '');
}

/** A candidate with its ONNX bytes and the reference's outputs: ready to judge on a SUT. */
export function judgedTestOf(candidate: { readonly model: Model; readonly inputs: ReadonlyMap<string, Tensor> }, registry: OpRegistry): JudgedTest {
  const expected = runReference(candidate.model, candidate.inputs, { registry }).outputs;
  return { model: candidate.model, onnx: modelToOnnx(candidate.model, registry), inputs: candidate.inputs, expected };
}

/** Runs a candidate on the reference and on the SUT and judges it, as a campaign does. */
export async function judgeCandidate(
  adapter: BackendAdapter,
  candidate: Candidate,
  registry: OpRegistry,
): Promise<BackendOutcome & { readonly expected: Map<string, Tensor> }> {
  const test = judgedTestOf(candidate, registry);
  const expected = new Map(test.expected);
  return { ...(await evaluateOnBackend(adapter, test, candidate.inputs, expected)), expected };
}

/** The reducer's test for "still the same bug" on one SUT, in this process (see isSameBug). */
export function sameBugPredicate(args: { adapter: BackendAdapter; verdict: Verdict; registry: OpRegistry }): StillFails {
  const { adapter, verdict, registry } = args;
  return async (candidate) => isSameBug(verdict, (await judgeCandidate(adapter, candidate, registry)).verdict);
}
