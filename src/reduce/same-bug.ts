import type { BackendAdapter } from '../backends/adapter.js';
import { evaluateOnBackend, type BackendOutcome } from '../campaign/evaluate.js';
import { modelToOnnx } from '../export/to-onnx.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import { normalizeMessage } from '../oracles/signature.js';
import type { Verdict } from '../oracles/verdict.js';
import { runReference } from '../reference-runtime/executor.js';
import type { Candidate, StillFails } from './candidate.js';

/**
 * Whether `found` is the same bug as `target`: the same verdict kind on the same SUT, and for
 * crashes, hangs and errors the same message once numbers and names are stripped. For wrong results
 * and NaN/Inf mismatches the kind suffices (the numbers differ from test to test).
 */
export function isSameBug(target: Verdict, found: Verdict): boolean {
  if (found.kind !== target.kind || found.backend !== target.backend) return false;
  if (target.kind === 'wrong-result' || target.kind === 'nan-mismatch') return true;
  return normalizeMessage(found.message ?? '') === normalizeMessage(target.message ?? '');
}

/** Runs a candidate on the reference and on the SUT and judges it, as a campaign does. */
export async function judgeCandidate(
  adapter: BackendAdapter,
  candidate: Candidate,
  registry: OpRegistry,
): Promise<BackendOutcome & { readonly expected: Map<string, Tensor> }> {
  const expected = runReference(candidate.model, candidate.inputs, { registry }).outputs;
  const artifact = { model: candidate.model, onnx: modelToOnnx(candidate.model, registry) };
  return { ...(await evaluateOnBackend(adapter, artifact, candidate.inputs, expected)), expected };
}

/** The reducer's test for "still the same bug" on one SUT (see isSameBug). */
export function sameBugPredicate(args: { adapter: BackendAdapter; verdict: Verdict; registry: OpRegistry }): StillFails {
  const { adapter, verdict, registry } = args;
  return async (candidate) => isSameBug(verdict, (await judgeCandidate(adapter, candidate, registry)).verdict);
}
