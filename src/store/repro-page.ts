// The page side of a case's repro.html: runs the case on the SUT harness the page installed,
// judges every output against the recorded reference outputs with tensorsmith's own oracle, and
// reports in the devtools console and the page body. Runs in the browser page.
import type { HarnessInfo, PageHarness, PrepareRequest, WireTensor } from '../backends/browser/page/wire.js';
import { decodeTensor } from '../backends/browser/page/wire.js';
import type { DType } from '../ir/dtype.js';
import type { ValueInfo } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { compareOutputs } from '../oracles/compare.js';
import { TOLERANCES, toleranceScale } from '../oracles/tolerance.js';
import type { ScriptCase } from './repro-script-ort.js';

/** A graph output and the dtype whose tolerance it is judged at (see oracles/precision.ts). */
export interface ReproOutput extends ValueInfo {
  readonly toleranceDtype: DType;
}

/** A test as the page runs it: what the harness prepares and what it is fed. */
export interface ReproTest {
  readonly prepare: PrepareRequest;
  readonly inputs: readonly WireTensor[];
}

/** Everything repro.html holds of its case. */
export interface ReproPageCase {
  readonly recorded: ScriptCase;
  readonly test: ReproTest;
  /** The reference outputs (expected.json). */
  readonly expected: readonly WireTensor[];
  readonly outputs: readonly ReproOutput[];
  /** A state bug's setup test, run first in the same page. */
  readonly setup?: ReproTest;
}

export type ReproOutcome = 'PASS' | 'MISMATCH' | 'ERROR' | 'CANNOT RUN';

/** A line for the console and the page's summary; bad lines go to console.error. */
function report(line: string, bad = false): void {
  (bad ? console.error : console.log)(line);
  const pre = document.getElementById('summary') ?? document.body.appendChild(document.createElement('pre'));
  pre.id = 'summary';
  pre.textContent = `${pre.textContent ?? ''}${line}\n`;
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The largest absolute and relative differences over the elements both sides have finite. */
function errors(expected: Float64Array, actual: Float64Array, dtype: DType): { abs: number; rel: number } {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < expected.length && i < actual.length; i++) {
    const e = dtype === 'float32' ? Math.fround(expected[i]!) : expected[i]!;
    const a = actual[i]!;
    if (!Number.isFinite(e) || !Number.isFinite(a)) continue;
    const diff = Math.abs(a - e);
    abs = Math.max(abs, diff);
    if (e !== 0) rel = Math.max(rel, diff / Math.abs(e));
  }
  return { abs, rel };
}

/** Judges one output as the oracle does; true when it agrees with the reference. */
function judge(out: ReproOutput, expected: Tensor, actual: Tensor | undefined, backend: string): boolean {
  const label = `output '${out.name}' [${out.shape.join(', ')}] ${out.dtype}`;
  const verdict = compareOutputs({
    backend,
    outputs: [out],
    expected: new Map([[out.name, expected]]),
    actual: actual ? new Map([[out.name, actual]]) : new Map<string, Tensor>(),
    toleranceDtypes: new Map([[out.name, out.toleranceDtype]]),
  });
  console.log(`${label}: expected`, expected.data, 'actual', actual?.data);
  if (actual) {
    const tol = TOLERANCES[out.toleranceDtype];
    const { abs, rel } = errors(expected.data, actual.data, out.dtype);
    console.log(`${label}: max abs error ${abs}, max rel error ${rel}; tolerance |actual - expected| <= ${tol.atol} * ${toleranceScale(expected.data)} + ${tol.rtol} * |expected|`);
  }
  const ratio = verdict.worst ? `, worst element ${verdict.worst.errorRatio.toExponential(2)} x its tolerance` : '';
  if (verdict.kind === 'ok') {
    report(`PASS ${label}: within tolerance${ratio}`);
    return true;
  }
  report(`MISMATCH ${label}: ${verdict.kind}: ${verdict.message ?? ''}${ratio}`, true);
  return false;
}

async function run(harness: PageHarness, test: ReproTest): Promise<Map<string, Tensor>> {
  const { handle } = await harness.prepare(test.prepare).catch((e: unknown) => {
    throw new Error(`compile error: preparing the model threw: ${errorText(e)}`);
  });
  const outputs = await harness.run(handle, test.inputs).catch((e: unknown) => {
    throw new Error(`runtime error: running the model threw: ${errorText(e)}`);
  });
  await harness.release(handle).catch((e: unknown) => {
    throw new Error(`releasing the model threw: ${errorText(e)}`);
  });
  return new Map(outputs.map((w) => [w.name, decodeTensor(w)]));
}

/**
 * Installs the SUT (INSTALL: the harness of the campaign's page), runs the case on it and reports
 * PASS (every output within tolerance: the bug is gone here), MISMATCH, ERROR (the SUT threw) or
 * CANNOT RUN (the SUT did not load), as the last line.
 */
export async function runReproPage(install: () => Promise<{ harness: PageHarness; info: HarnessInfo }>, c: ReproPageCase): Promise<ReproOutcome> {
  const r = c.recorded;
  const end = (outcome: ReproOutcome, why: string): ReproOutcome => {
    report(`tensorsmith repro: ${outcome}: ${why}`, outcome !== 'PASS');
    return outcome;
  };
  report(`tensorsmith bug case: ${r.kind} on ${r.backend}${r.sut ? ` (${r.sut.package} ${r.sut.version})` : ''}, seed ${r.seed}, test ${r.testIndex}`);
  if (r.message) report(`  recorded: ${r.message.split('\n')[0]}`);
  let loaded: { harness: PageHarness; info: HarnessInfo };
  try {
    loaded = await install();
  } catch (e) {
    return end('CANNOT RUN', `the SUT did not load: ${errorText(e)}`);
  }
  report(`SUT here: version ${loaded.info.version} on ${loaded.info.device}`);
  let actual: Map<string, Tensor>;
  try {
    if (c.setup) await run(loaded.harness, c.setup);
    actual = await run(loaded.harness, c.test);
  } catch (e) {
    return end('ERROR', errorText(e));
  }
  const expected = new Map(c.expected.map((w) => [w.name, decodeTensor(w)]));
  let disagree = 0;
  for (const out of c.outputs) {
    const e = expected.get(out.name);
    if (!e) return end('CANNOT RUN', `the case holds no expected output '${out.name}'`);
    if (!judge(out, e, actual.get(out.name), r.backend)) disagree++;
  }
  return disagree > 0
    ? end('MISMATCH', `${disagree} of ${c.outputs.length} outputs disagree with the reference outputs (expected.json)`)
    : end('PASS', 'every output agrees with the reference outputs (expected.json) within tolerance');
}
