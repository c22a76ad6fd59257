import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCaseFolder, type CaseMeta } from '../../src/store/case-folder.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { stableStringify } from '../../src/ir/json.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { smallModel, tempDir } from '../helpers.js';
import { summaryValue } from '../store/summary-fixture.js';

const registry = builtinRegistry();

/** A message with everything a report must escape: markup, quotes, an ampersand, an ANSI colour code. */
export const HOSTILE_MESSAGE = 'kernel <script>alert("x")</script> & \'quoted\' \u001b[31mred\u001b[0m | `tick`';

/**
 * Rewrite coverage of two SUTs: rewrites that fired on one or both, and a rewrite named with markup
 * (summary.json is a file anyone can edit; unknown rewrites are named by their diff).
 */
export const FIXTURE_COVERAGE = {
  'ort-all': { EliminateIdentity: { tests: 3, firstTest: 0 }, '-Relu +<b>"Frob"</b> & co': { tests: 1, firstTest: 17 } },
  'ort-basic': { EliminateIdentity: { tests: 2, firstTest: 4 }, MatMulAddFusion: { tests: 5, firstTest: 1 } },
};

/** x[2,3] -> Relu -> out: the reduced form of smallModel's wrong Relu. */
function reducedModel(): Model {
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
    weights: [],
    nodes: [{ name: 'relu', op: 'Relu', inputs: ['x'], outputs: [{ name: 'out', dtype: 'float32', shape: [2, 3] }], attrs: {} }],
    outputs: ['out'],
  };
}

/** The device the fixture's ort-basic case records in its meta.json (summary.json records none for it), with markup to escape. */
export const FIXTURE_META_DEVICE = 'cpu <arena "off">';
/** The device summary.json records for ort-all. */
export const FIXTURE_SUMMARY_DEVICE = 'CPUExecutionProvider';

function meta(model: Model, verdict: Verdict, testIndex: number, device?: string): CaseMeta {
  return {
    format: 'tensorsmith.case/1',
    seed: 'fixture',
    testIndex,
    toolVersion: '0.1.0-test',
    backends: [{ name: verdict.backend, package: 'onnxruntime-node', version: '1.30.0', ...(device !== undefined ? { device } : {}) }],
    config: {},
    verdict,
    signature: bugSignature(verdict, model),
    timings: {},
    createdAt: '2024-01-01T00:00:00.000Z',
  };
}

/** The fields of a summary.json bug entry that fuzz writes and a report does not show. */
function fuzzFields(verdict: string, ops: string[], backend: string) {
  return { class: verdict, family: 'ort', seenOn: [backend], kernels: ops, triggers: [ops.map((op) => `${op}(float32)`)], pattern: verdict };
}

/** The reference's outputs, and a SUT's with element `index` of `out` moved by `delta`. */
function outputsWithError(model: Model, inputs: ReadonlyMap<string, Tensor>, index: number, delta: number) {
  const expected = runReference(model, inputs, { registry }).outputs;
  const out = expected.get('out')!;
  const wrong = Float64Array.from(out.data);
  wrong[index] = wrong[index]! + delta;
  return { expected, actual: new Map([['out', makeTensor(out.dtype, out.shape, wrong)]]), out, wrong };
}

export interface FixtureCampaign {
  readonly dir: string;
  /** Signatures: a new wrong result (with reduced/ and repro.mjs), a known compile error, a bug whose folder is gone. */
  readonly wrong: string;
  readonly compile: string;
  readonly missing: string;
}

/**
 * A campaign folder as fuzz (plus the reducer) writes it, with three bugs of different kinds and
 * statuses, one of them without its case folder.
 */
export function writeFixtureCampaign(): FixtureCampaign {
  const dir = tempDir('tensorsmith-report-');
  const x = makeTensor('float32', [2, 3], [1, -2, 3, -4, 5, 6]);
  const y = makeTensor('float32', [2], [0.5, -0.5]);

  // Wrong result: found on smallModel, reduced to the Relu alone.
  const original = smallModel();
  const originalInputs = new Map([['x', x], ['y', y]]);
  const originalRun = outputsWithError(original, originalInputs, 3, 2);
  const wrongVerdict: Verdict = {
    kind: 'wrong-result',
    backend: 'ort-all',
    message: `output 'out'[1, 1] is ${originalRun.wrong[3]}, expected ${originalRun.out.data[3]}`,
    worst: { output: 'out', index: 3, position: [1, 1], expected: originalRun.out.data[3]!, actual: originalRun.wrong[3]!, errorRatio: 512.5 },
  };
  const reduced = reducedModel();
  const reducedInputs = new Map([['x', x]]);
  const reducedRun = outputsWithError(reduced, reducedInputs, 4, -1.5);
  const reducedVerdict: Verdict = {
    kind: 'wrong-result',
    backend: 'ort-all',
    message: `output 'out'[1, 1] is ${reducedRun.wrong[4]}, expected ${reducedRun.out.data[4]}`,
    worst: { output: 'out', index: 4, position: [1, 1], expected: reducedRun.out.data[4]!, actual: reducedRun.wrong[4]!, errorRatio: 299.7 },
  };
  const wrong = bugSignature(wrongVerdict, reduced).hash;
  const wrongDir = join(dir, 'bugs', wrong);
  writeCaseFolder(wrongDir, {
    model: original,
    onnx: modelToOnnx(original, registry),
    inputs: originalInputs,
    expected: originalRun.expected,
    actual: originalRun.actual,
    meta: meta(original, wrongVerdict, 7),
  });
  writeCaseFolder(join(wrongDir, 'reduced'), {
    model: reduced,
    onnx: modelToOnnx(reduced, registry),
    inputs: reducedInputs,
    expected: reducedRun.expected,
    actual: reducedRun.actual,
    meta: meta(reduced, reducedVerdict, 7),
  });
  writeFileSync(join(wrongDir, 'reduced', 'repro.mjs'), '// standalone reproduction\n');

  // Compile error with a message full of markup; no reduction.
  const compileVerdict: Verdict = { kind: 'compile-error', backend: 'ort-basic', message: HOSTILE_MESSAGE };
  const compile = bugSignature(compileVerdict, original).hash;
  writeCaseFolder(join(dir, 'bugs', compile), {
    model: original,
    onnx: modelToOnnx(original, registry),
    inputs: originalInputs,
    expected: originalRun.expected,
    actual: { error: HOSTILE_MESSAGE },
    meta: meta(original, compileVerdict, 2, FIXTURE_META_DEVICE),
  });

  const missing = 'feedfacefeedface';
  mkdirSync(join(dir, 'bugs'), { recursive: true });
  const summary = summaryValue({
    seed: 'fixture',
    tests: 120,
    discarded: 9,
    testsPerSec: 40,
    elapsedSec: 3,
    backends: [
      { name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0', device: FIXTURE_SUMMARY_DEVICE },
      { name: 'ort-basic', package: 'onnxruntime-node', version: '1.30.0' },
    ],
    verdicts: { ok: 230, 'wrong-result': 6, 'nan-mismatch': 0, crash: 0, hang: 1, 'compile-error': 3, 'runtime-error': 0, unsupported: 0 },
    bugs: [
      { ...fuzzFields('compile-error', ['Add', 'MatMul', 'Relu'], 'ort-basic'), signature: compile, verdict: 'compile-error', backend: 'ort-basic', dir: `bugs/${compile}`, message: HOSTILE_MESSAGE, ops: ['Add', 'MatMul', 'Relu'], firstSeen: { seed: 'fixture', testIndex: 2 }, occurrences: 3, status: 'known' },
      { ...fuzzFields('numeric', ['Relu'], 'ort-all'), signature: wrong, verdict: 'wrong-result', backend: 'ort-all', dir: `bugs/${wrong}`, message: wrongVerdict.message, ops: ['Relu'], firstSeen: { seed: 'fixture', testIndex: 7 }, occurrences: 6, status: 'new', reduced: { nodes: 1, dir: `bugs/${wrong}/reduced` } },
      // Not checked against a signature database: no status.
      { ...fuzzFields('hang', ['Conv'], 'ort-all'), signature: missing, verdict: 'hang', backend: 'ort-all', dir: `bugs/${missing}`, ops: ['Conv'], firstSeen: { seed: 'fixture', testIndex: 40 }, occurrences: 1 },
    ],
    newBugs: 1,
    coverage: FIXTURE_COVERAGE,
  });
  writeFileSync(join(dir, 'summary.json'), stableStringify(summary));
  return { dir, wrong, compile, missing };
}

/** Marks a bug of a campaign folder's summary.json as the corpus entry `name` (as fuzz does when it meets a corpus bug). */
export function markCorpusBug(dir: string, signature: string, name: string): void {
  const file = join(dir, 'summary.json');
  const summary = JSON.parse(readFileSync(file, 'utf8')) as { bugs: { signature: string; corpus?: string }[] };
  for (const bug of summary.bugs) if (bug.signature === signature) bug.corpus = name;
  writeFileSync(file, stableStringify(summary));
}

/** A node name with markup: model.json is a file anyone can edit. */
export const HOSTILE_NODE_NAME = 'clip<img src=x onerror="alert(1)">';

/**
 * x[4,5] feeds Clip's input; a ReduceMax (keepdims=0) of it through Relu feeds Clip's max, a
 * scalar weight its min; a LeakyRelu (alpha=0.25) follows. A reader must see that Relu feeds max,
 * not min, and every attribute, without hovering.
 */
export function slotModel(): Model {
  const type = (name: string, shape: number[]) => ({ name, dtype: 'float32' as const, shape });
  return {
    opset: 17,
    inputs: [type('x', [4, 5])],
    weights: [{ name: 'lo', value: makeTensor('float32', [], [-1]) }],
    nodes: [
      { name: 'peak', op: 'ReduceMax', inputs: ['x'], outputs: [type('m', [])], attrs: { keepdims: 0 } },
      { name: 'relu', op: 'Relu', inputs: ['m'], outputs: [type('hi', [])], attrs: {} },
      { name: HOSTILE_NODE_NAME, op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: [type('c', [4, 5])], attrs: {} },
      { name: 'leaky', op: 'LeakyRelu', inputs: ['c'], outputs: [type('out', [4, 5])], attrs: { alpha: 0.25 } },
    ],
    outputs: ['out'],
  };
}

/** The input slotModel's campaign feeds: 20 values, more than a report previews. */
export const SLOT_INPUT = Array.from({ length: 20 }, (_, i) => i - 7.5);

/** A campaign folder with one unreduced wrong result of slotModel. */
export function writeSlotCampaign(): { readonly dir: string; readonly signature: string } {
  const dir = tempDir('tensorsmith-report-slots-');
  const model = slotModel();
  const inputs = new Map([['x', makeTensor('float32', [4, 5], SLOT_INPUT)]]);
  const run = outputsWithError(model, inputs, 2, 1);
  const verdict: Verdict = {
    kind: 'wrong-result',
    backend: 'ort-all',
    message: `output 'out'[0, 2] is ${run.wrong[2]}, expected ${run.out.data[2]}`,
    worst: { output: 'out', index: 2, position: [0, 2], expected: run.out.data[2]!, actual: run.wrong[2]!, errorRatio: 100 },
  };
  const signature = bugSignature(verdict, model).hash;
  writeCaseFolder(join(dir, 'bugs', signature), { model, onnx: modelToOnnx(model, registry), inputs, expected: run.expected, actual: run.actual, meta: meta(model, verdict, 0) });
  const ops = ['Clip', 'LeakyRelu', 'ReduceMax', 'Relu'];
  const summary = summaryValue({
    seed: 'slots',
    bugs: [{ ...fuzzFields('numeric', ops, 'ort-all'), signature, verdict: 'wrong-result', backend: 'ort-all', dir: `bugs/${signature}`, message: verdict.message, ops, firstSeen: { seed: 'slots', testIndex: 0 }, occurrences: 1, status: 'new' }],
    newBugs: 1,
  });
  writeFileSync(join(dir, 'summary.json'), stableStringify(summary));
  return { dir, signature };
}
