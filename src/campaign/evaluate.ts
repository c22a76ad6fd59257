import type { Tensor } from '../ir/tensor.js';
import { outputInfos } from '../ir/model.js';
import type { BackendAdapter, ModelArtifact } from '../backends/adapter.js';
import { unsupportedNode } from '../backends/adapter.js';
import { compareOutputs } from '../oracles/compare.js';
import { toleranceDtypes } from '../oracles/precision.js';
import { SutCrash, SutHang } from '../backends/isolation/isolated-adapter.js';
import { isCapabilityGap } from '../backends/capability.js';
import { isNumeric, type Verdict } from '../oracles/verdict.js';

export interface BackendOutcome {
  readonly verdict: Verdict;
  readonly actual?: ReadonlyMap<string, Tensor>;
  readonly prepareMs?: number;
  readonly runMs?: number;
  /** The SUT said, by an error, that it does not implement something in the model (verdict unsupported). */
  readonly capabilityGap?: boolean;
  /** For a hang: the timeout the request had (shorter than the full one when it was adaptive). */
  readonly hangTimeoutMs?: number;
  /** The test ran alone: the first one of a fresh SUT worker, so its verdict is confirmed already. */
  readonly alone?: boolean;
}

/** What a thrown error makes of a stage: crash, hang, a capability gap (unsupported) or the stage's own error verdict. */
function errorOutcome(e: unknown, backend: string, stageVerdict: 'compile-error' | 'runtime-error'): Pick<BackendOutcome, 'verdict' | 'capabilityGap' | 'hangTimeoutMs'> {
  const message = errorMessage(e);
  if (e instanceof SutCrash) return { verdict: { kind: 'crash', backend, message } };
  if (e instanceof SutHang) return { verdict: { kind: 'hang', backend, message }, hangTimeoutMs: e.timeoutMs };
  if (isCapabilityGap(e)) return { verdict: { kind: 'unsupported', backend, message: `${backend} does not implement something here: ${message}` }, capabilityGap: true };
  return { verdict: { kind: stageVerdict, backend, message } };
}

function errorMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 500);
}

/**
 * Runs one test on one SUT and judges it: unsupported (static knowledge), compile-error (prepare
 * threw), runtime-error (run threw), or the comparison with the reference.
 */
export async function evaluateOnBackend(
  adapter: BackendAdapter,
  artifact: ModelArtifact,
  inputs: ReadonlyMap<string, Tensor>,
  expected: ReadonlyMap<string, Tensor>,
): Promise<BackendOutcome> {
  const backend = adapter.name;
  const missing = unsupportedNode(adapter, artifact.model);
  if (missing) return { verdict: { kind: 'unsupported', backend, message: `${backend} does not implement ${missing}` } };
  const deviation = adapter.knownDeviation?.(artifact.model);
  if (deviation) return { verdict: { kind: 'unsupported', backend, message: `known deviation: ${deviation}` } };
  const t0 = performance.now();
  let prepared: unknown;
  try {
    prepared = await adapter.prepare(artifact);
  } catch (e) {
    return { ...errorOutcome(e, backend, 'compile-error'), prepareMs: performance.now() - t0 };
  }
  const t1 = performance.now();
  try {
    let actual: Map<string, Tensor>;
    try {
      actual = await adapter.run(prepared, inputs);
    } catch (e) {
      return { ...errorOutcome(e, backend, 'runtime-error'), prepareMs: t1 - t0, runMs: performance.now() - t1 };
    }
    const runMs = performance.now() - t1;
    const verdict = compareOutputs({
      backend,
      outputs: outputInfos(artifact.model),
      expected,
      actual,
      toleranceDtypes: toleranceDtypes(artifact.model),
    });
    // A difference the SUT's declared precision allows (WGSL's atan, say) is no bug.
    const imprecision = isNumeric(verdict.kind) && verdict.worst ? adapter.knownImprecision?.(artifact.model, verdict.worst.output) : undefined;
    if (imprecision) return { verdict: { kind: 'unsupported', backend, message: `known imprecision: ${imprecision}` }, actual, prepareMs: t1 - t0, runMs };
    return { verdict, actual, prepareMs: t1 - t0, runMs };
  } finally {
    await adapter.release?.(prepared);
  }
}
