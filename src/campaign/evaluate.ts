import type { Tensor } from '../ir/tensor.js';
import { outputInfos } from '../ir/model.js';
import type { BackendAdapter, ModelArtifact } from '../backends/adapter.js';
import { unsupportedNode } from '../backends/adapter.js';
import { compareOutputs } from '../oracles/compare.js';
import { toleranceDtypes } from '../oracles/precision.js';
import { SutCrash, SutHang } from '../backends/isolation/isolated-adapter.js';
import type { Verdict } from '../oracles/verdict.js';

export interface BackendOutcome {
  readonly verdict: Verdict;
  readonly actual?: ReadonlyMap<string, Tensor>;
  readonly prepareMs?: number;
  readonly runMs?: number;
}

/** A worker's death or hang is a crash or hang verdict whichever stage it happened in. */
function isolationVerdict(e: unknown): 'crash' | 'hang' | undefined {
  if (e instanceof SutCrash) return 'crash';
  if (e instanceof SutHang) return 'hang';
  return undefined;
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
    return { verdict: { kind: isolationVerdict(e) ?? 'compile-error', backend, message: errorMessage(e) }, prepareMs: performance.now() - t0 };
  }
  const t1 = performance.now();
  try {
    let actual: Map<string, Tensor>;
    try {
      actual = await adapter.run(prepared, inputs);
    } catch (e) {
      return {
        verdict: { kind: isolationVerdict(e) ?? 'runtime-error', backend, message: errorMessage(e) },
        prepareMs: t1 - t0,
        runMs: performance.now() - t1,
      };
    }
    const runMs = performance.now() - t1;
    const verdict = compareOutputs({
      backend,
      outputs: outputInfos(artifact.model),
      expected,
      actual,
      toleranceDtypes: toleranceDtypes(artifact.model),
    });
    return { verdict, actual, prepareMs: t1 - t0, runMs };
  } finally {
    await adapter.release?.(prepared);
  }
}
