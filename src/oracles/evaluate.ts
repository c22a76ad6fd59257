import type { Tensor } from '../ir/tensor.js';
import { outputInfos } from '../ir/model.js';
import type { BackendAdapter, KnownBugMatch, ModelArtifact } from '../backends/adapter.js';
import { unsupportedNode } from '../backends/adapter.js';
import { compareOutputs } from './compare.js';
import { toleranceDtypes } from './precision.js';
import { malformedOutputs } from './adapter-outputs.js';
import { SutCrash, SutHang, SutInterrupted } from '../backends/isolation/isolated-adapter.js';
import { isCapabilityGap } from '../backends/capability.js';
import { isBug, isNumeric, type Verdict } from './verdict.js';
import { withinDeclaredPrecision } from './precision-envelope.js';
import { testBounds, type OracleKind } from './test-bounds.js';

/** How a SUT's outputs are judged. */
export interface Judging {
  /** Per-element error bounds (default), or the fixed tolerances of src/oracles/tolerance.ts. */
  readonly oracle?: OracleKind;
}

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
  /** What the SUT's optimizer did to the model it prepared (see BackendAdapter.rewritesOf). */
  readonly rewrites?: readonly string[];
  /** A failure the SUT's recorded bugs explain (see BackendAdapter.knownBug): that corpus bug. */
  readonly knownBug?: KnownBugMatch;
}

/** What a thrown error makes of a stage: crash, hang, a capability gap (unsupported) or the stage's own error verdict. */
function errorOutcome(e: unknown, backend: string, stageVerdict: 'compile-error' | 'runtime-error'): Pick<BackendOutcome, 'verdict' | 'capabilityGap' | 'hangTimeoutMs'> {
  // Stopped from outside: no verdict at all.
  if (e instanceof SutInterrupted) throw e;
  const message = errorMessage(e);
  if (e instanceof SutCrash) return { verdict: { kind: 'crash', backend, message } };
  if (e instanceof SutHang) return { verdict: { kind: 'hang', backend, message }, hangTimeoutMs: e.timeoutMs };
  if (isCapabilityGap(e)) {
    const reason = `says it does not implement something: ${reasonKey(message)}`;
    return { verdict: { kind: 'unsupported', backend, message: `${backend} does not implement something here: ${message}`, reason }, capabilityGap: true };
  }
  return { verdict: { kind: stageVerdict, backend, message } };
}

/**
 * A reason as a key to count by: node and value names and the numbers in lists dropped, so that
 * one reason seen on many models is counted once.
 */
export function reasonKey(text: string): string {
  const key = text
    .replace(/\b(?:n|in|v|w|const|p)\d+(?:_\w+)?\b/g, 'node')
    .replace(/\[[-\d.,\s]*\]/g, '[…]')
    .replace(/\s+/g, ' ')
    .trim();
  return key.length > 160 ? `${key.slice(0, 159)}…` : key;
}

function errorMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 500);
}

/**
 * Runs one test on one SUT and judges it: unsupported (static knowledge), compile-error (prepare
 * threw), runtime-error (run threw), or the comparison with the reference. A failure on a model
 * that runs into one of the SUT's recorded bugs names that bug (knownBug).
 */
export async function evaluateOnBackend(
  adapter: BackendAdapter,
  artifact: ModelArtifact,
  inputs: ReadonlyMap<string, Tensor>,
  expected: ReadonlyMap<string, Tensor>,
  judging: Judging = {},
): Promise<BackendOutcome> {
  const outcome = await judgeOnBackend(adapter, artifact, inputs, expected, judging);
  if (!isBug(outcome.verdict.kind)) return outcome;
  const knownBug = adapter.knownBug?.(artifact.model);
  return knownBug ? { ...outcome, knownBug } : outcome;
}

async function judgeOnBackend(
  adapter: BackendAdapter,
  artifact: ModelArtifact,
  inputs: ReadonlyMap<string, Tensor>,
  expected: ReadonlyMap<string, Tensor>,
  judging: Judging,
): Promise<BackendOutcome> {
  const backend = adapter.name;
  const missing = unsupportedNode(adapter, artifact.model);
  if (missing) return { verdict: { kind: 'unsupported', backend, message: `${backend} does not implement ${missing}`, reason: `does not implement ${missing}` } };
  const deviation = adapter.knownDeviation?.(artifact.model);
  if (deviation) return { verdict: { kind: 'unsupported', backend, message: `known deviation: ${deviation}`, reason: `known deviation: ${reasonKey(deviation)}` } };
  const t0 = performance.now();
  let prepared: unknown;
  try {
    prepared = await adapter.prepare(artifact);
  } catch (e) {
    return { ...errorOutcome(e, backend, 'compile-error'), prepareMs: performance.now() - t0 };
  }
  const t1 = performance.now();
  const rewrites = adapter.rewritesOf?.(prepared);
  const outcome = await runAndJudge({ adapter, artifact, prepared, inputs, expected, oracle: judging.oracle ?? 'bounds' });
  const timed = { ...outcome, prepareMs: t1 - t0, runMs: performance.now() - t1, ...(rewrites ? { rewrites } : {}) };
  try {
    await adapter.release?.(prepared);
  } catch (e) {
    // Freeing what the test allocated failed: an error of that test (a crash or hang wins).
    if (!isBug(outcome.verdict.kind) || isNumeric(outcome.verdict.kind)) {
      const failed = errorOutcome(e, backend, 'runtime-error');
      return { ...timed, ...failed, verdict: { ...failed.verdict, message: `while releasing the model: ${failed.verdict.message ?? ''}` } };
    }
  }
  return timed;
}

/** Runs a prepared test and judges its outputs (against the reference, then against the SUT's declared precision). */
async function runAndJudge(args: {
  adapter: BackendAdapter;
  artifact: ModelArtifact;
  prepared: unknown;
  inputs: ReadonlyMap<string, Tensor>;
  expected: ReadonlyMap<string, Tensor>;
  oracle: OracleKind;
}): Promise<BackendOutcome> {
  const { adapter, artifact, inputs, expected } = args;
  const backend = adapter.name;
  let actual: Map<string, Tensor>;
  try {
    actual = await adapter.run(args.prepared, inputs);
  } catch (e) {
    return errorOutcome(e, backend, 'runtime-error');
  }
  const malformed = malformedOutputs(backend, artifact.model, actual);
  if (malformed) return { verdict: { kind: 'runtime-error', backend, message: malformed } };
  // The SUT's declared precision (WGSL's atan, say) widens the bounds of the ops it names.
  const bounds = args.oracle === 'bounds' ? testBounds(artifact.model, inputs, adapter.precision) : undefined;
  const verdict = compareOutputs({
    backend,
    outputs: outputInfos(artifact.model),
    expected,
    actual,
    toleranceDtypes: toleranceDtypes(artifact.model),
    ...(bounds ? { bounds } : {}),
  });
  // Under fixed tolerances, a difference the SUT's declared precision allows is no bug.
  const explained =
    !bounds && isNumeric(verdict.kind) && verdict.worst && adapter.precision
      ? withinDeclaredPrecision({ model: artifact.model, inputs, actual, failingOutput: verdict.worst.output, table: adapter.precision })
      : undefined;
  if (explained) {
    const message = `within the precision ${backend}'s specification allows: ${explained}`;
    return { verdict: { kind: 'unsupported', backend, message, reason: reasonKey(message) }, actual };
  }
  return { verdict, actual };
}
