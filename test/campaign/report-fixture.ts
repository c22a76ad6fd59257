import { mkdirSync, writeFileSync } from 'node:fs';
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

function meta(model: Model, verdict: Verdict, testIndex: number): CaseMeta {
  return {
    format: 'tensorsmith.case/1',
    seed: 'fixture',
    testIndex,
    toolVersion: '0.1.0-test',
    backends: [{ name: verdict.backend, package: 'onnxruntime-node', version: '1.30.0' }],
    config: {},
    verdict,
    signature: bugSignature(verdict, model),
    timings: {},
    createdAt: '2024-01-01T00:00:00.000Z',
  };
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
    meta: meta(original, compileVerdict, 2),
  });

  const missing = 'feedfacefeedface';
  mkdirSync(join(dir, 'bugs'), { recursive: true });
  const fuzzFields = (verdict: string, ops: string[], backend: string) => ({ class: verdict, family: 'ort', seenOn: [backend], kernels: ops, triggers: [ops.map((op) => `${op}(float32)`)], pattern: verdict });
  const summary = summaryValue({
    seed: 'fixture',
    tests: 120,
    discarded: 9,
    testsPerSec: 40,
    elapsedSec: 3,
    backends: [
      { name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0' },
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
