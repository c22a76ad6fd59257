import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaseFolder } from '../../src/store/case-folder.js';
import { reproScript, writeReproScript } from '../../src/store/repro-script.js';
import { stableStringify } from '../../src/ir/json.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { tensorsFromJson, tensorsToJson } from '../../src/ir/tensor-json.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { smallModel, tempDir } from '../helpers.js';
import { logModel, POSITIVE_X, writeCase } from './repro-helpers.js';

// Inside the repository, so that the scripts' bare `import 'onnxruntime-node'` resolves from its
// node_modules, as it does from a folder where the user ran `npm i onnxruntime-node`.
const SCRATCH = join(process.cwd(), 'node_modules', '.cache');
mkdirSync(SCRATCH, { recursive: true });
const root = mkdtempSync(join(SCRATCH, 'tensorsmith-repro-script-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SMALL_INPUTS = new Map<string, Tensor>([
  ['x', makeTensor('float32', [2, 3], [0.5, -1, 2, 3, -0.25, 1.5])],
  ['y', makeTensor('float32', [2], [0.1, -0.2])],
]);

/** A case folder with its repro.mjs, recording `verdict` (the SUT's outputs are not needed by the script). */
async function scriptCase(name: string, verdict: Verdict, model: Model = smallModel(), inputs = SMALL_INPUTS, config: Record<string, unknown> = {}): Promise<string> {
  const dir = join(root, name);
  await writeCase(dir, { model, inputs, verdict, sut: { package: 'onnxruntime-node', version: '1.30.0' }, config });
  const { meta } = readCaseFolder(dir);
  writeReproScript(dir, { meta: meta!, model });
  return dir;
}

function runScript(dir: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['repro.mjs'], { cwd: dir, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Rewrites expected.json with one element of one output changed. */
function alterExpected(dir: string, output: string, index: number, change: (x: number) => number): void {
  const file = join(dir, 'expected.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { outputs: unknown };
  const outputs = tensorsFromJson(raw.outputs, file);
  const t = outputs.get(output)!;
  const data = Float64Array.from(t.data);
  data[index] = change(data[index]!);
  outputs.set(output, { ...t, data });
  writeFileSync(file, stableStringify({ ...raw, outputs: tensorsToJson(outputs) }));
}

const wrongOnOrtAll: Verdict = { kind: 'wrong-result', backend: 'ort-all', message: "output 'out'[0, 1] is 7, expected 5" };

describe('the standalone repro.mjs of an onnxruntime case', () => {
  it('runs with plain node: exit 0 when the outputs agree with expected.json, 1 with the worst elements when they do not', async () => {
    const dir = await scriptCase('ort-all', wrongOnOrtAll);
    const ok = runScript(dir);
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/^onnxruntime-node 1\.30\.0; the bug recorded: wrong-result on ort-all\n/);
    expect(ok.out).toMatch(/^output 'out' \[2, 2\] float32: ok \(worst error /m);
    expect(ok.out).toMatch(/^OK: every output agrees with expected\.json\n$/m);
    expect(ok.code).toBe(0);

    // A simulated wrong result: the reference said 0.5 more at [1, 0].
    alterExpected(dir, 'out', 2, (x) => x + 0.5);
    const bug = runScript(dir);
    expect(bug.out).toMatch(/^output 'out' \[2, 2\] float32: 1 of 4 elements disagree \(allowed: 4 x each element's error bound\)$/m);
    expect(bug.out).toMatch(/^ {2}\[1, 0\] {2}expected [-\d.e]+ {2}actual [-\d.e]+ {2}\(bound [\d.e+-]+, [\d.]+e\+\d+ x the bound\)$/m);
    expect(bug.out).toMatch(/^BUG: 1 of 1 outputs disagree with the reference outputs in expected\.json$/m);
    expect(bug.code).toBe(1);
  });

  it("applies the oracle's error bounds (bounds.json): a change within the allowed multiple of an element's bound passes, one past it fails", async () => {
    const within = await scriptCase('bounds-within', wrongOnOrtAll);
    const bounds = JSON.parse(readFileSync(join(within, 'bounds.json'), 'utf8')) as { safetyFactor: number; outputs: unknown };
    const bound = tensorsFromJson(bounds.outputs, 'bounds.json').get('out')!.data[0]!;
    expect(bound).toBeGreaterThan(0);
    alterExpected(within, 'out', 0, (x) => x + bound);
    expect(runScript(within).code).toBe(0);
    const past = await scriptCase('bounds-past', wrongOnOrtAll);
    alterExpected(past, 'out', 0, (x) => x + 10 * bounds.safetyFactor * bound);
    const r = runScript(past);
    expect(r.out).toMatch(/\(bound [\d.e+-]+, [\d.e+-]+ x the bound\)/);
    expect(r.code).toBe(1);
  });

  it("applies the fixed tolerance of a campaign run with --oracle fixed: a change within it passes, one past it fails, a NaN is a mismatch", async () => {
    const fixed = { oracle: 'fixed' };
    // float32 output scale max(1, |max|): rtol 1e-3 and atol 1e-4 of it; 2e-4 relative is within.
    const within = await scriptCase('within', wrongOnOrtAll, smallModel(), SMALL_INPUTS, fixed);
    alterExpected(within, 'out', 0, (x) => x * (1 + 2e-4));
    expect(runScript(within).code).toBe(0);
    const past = await scriptCase('past', wrongOnOrtAll, smallModel(), SMALL_INPUTS, fixed);
    alterExpected(past, 'out', 0, (x) => x * (1 + 5e-3));
    expect(runScript(past).code).toBe(1);
    const nan = await scriptCase('nan', wrongOnOrtAll);
    alterExpected(nan, 'out', 3, () => NaN);
    const r = runScript(nan);
    expect(r.out).toMatch(/^ {2}\[1, 1\] {2}expected NaN {2}actual [-\d.e]+ {2}\(NaN\/Inf mismatch\)$/m);
    expect(r.code).toBe(1);
  });

  it('decodes and compares int64 and bool outputs exactly', async () => {
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
      weights: [{ name: 'w', value: makeTensor('float32', [3], [0, 1, -1]) }],
      nodes: [
        { name: 'am', op: 'ArgMax', inputs: ['x'], outputs: [{ name: 'i', dtype: 'int64', shape: [2, 1] }], attrs: { axis: 1, keepdims: 1, select_last_index: 0 } },
        { name: 'gt', op: 'Greater', inputs: ['x', 'w'], outputs: [{ name: 'g', dtype: 'bool', shape: [2, 3] }], attrs: {} },
      ],
      outputs: ['i', 'g'],
    };
    const inputs = new Map([['x', makeTensor('float32', [2, 3], [0.5, -1, 2, 3, -0.25, 1.5])]]);
    const dir = await scriptCase('int-bool', { kind: 'wrong-result', backend: 'ort-extended' }, model, inputs);
    const ok = runScript(dir);
    expect(ok.out).toMatch(/^output 'i' \[2, 1\] int64: ok/m);
    expect(ok.out).toMatch(/^output 'g' \[2, 3\] bool: ok/m);
    expect(ok.code).toBe(0);
    alterExpected(dir, 'i', 1, () => 1);
    alterExpected(dir, 'g', 0, (x) => 1 - x);
    const bug = runScript(dir);
    expect(bug.out).toMatch(/^ {2}\[1, 0\] {2}expected 1 {2}actual 0 {2}\(must be equal\)$/m);
    expect(bug.out).toMatch(/^output 'g' \[2, 3\] bool: 1 of 6 elements disagree \(exact\)$/m);
    expect(bug.out).toMatch(/^BUG: 2 of 2 outputs disagree/m);
    expect(bug.code).toBe(1);
  });

  it('feeds float16 and int8 inputs as onnxruntime takes them and judges float16 outputs by value, not by their bits', async () => {
    const model: Model = {
      opset: 17,
      inputs: [
        { name: 'x', dtype: 'float16', shape: [2, 2] },
        { name: 'k', dtype: 'int8', shape: [2] },
      ],
      weights: [],
      nodes: [
        { name: 'sin', op: 'Sin', inputs: ['x'], outputs: [{ name: 'out', dtype: 'float16', shape: [2, 2] }], attrs: {} },
        { name: 'neg', op: 'Neg', inputs: ['k'], outputs: [{ name: 'n', dtype: 'int8', shape: [2] }], attrs: {} },
      ],
      outputs: ['out', 'n'],
    };
    const inputs = new Map([
      ['x', makeTensor('float16', [2, 2], [0.5, -1, 2, 0.25])],
      ['k', makeTensor('int8', [2], [3, -7])],
    ]);
    const dir = await scriptCase('float16', { kind: 'wrong-result', backend: 'ort-all' }, model, inputs);
    const ok = runScript(dir);
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/^output 'out' \[2, 2\] float16: ok/m);
    expect(ok.out).toMatch(/^output 'n' \[2\] int8: ok/m);
    expect(ok.code).toBe(0);
    // sin(2) is 0.9092...: 0.5 more is far out of float16's tolerance, and printed as a value.
    alterExpected(dir, 'out', 2, (x) => x + 0.5);
    const bug = runScript(dir);
    expect(bug.out).toMatch(/^ {2}\[1, 0\] {2}expected 1\.40[\d]* {2}actual 0\.90[\d]* {2}\(.+\)$/m);
    expect(bug.code).toBe(1);
  });

  it('reports a compile error (a model onnxruntime refuses) and exits 1', async () => {
    const dir = await scriptCase('compile', { kind: 'compile-error', backend: 'ort-disabled', message: 'Load model failed' });
    writeFileSync(join(dir, 'model.onnx'), 'not a model');
    const r = runScript(dir);
    expect(r.out).toMatch(/^BUG: compile error: InferenceSession\.create threw: .+$/m);
    expect(r.code).toBe(1);
  });

  it('runs onnxruntime-web for an ort-web-wasm case', async () => {
    const dir = await scriptCase('web', { ...wrongOnOrtAll, backend: 'ort-web-wasm' });
    expect(readFileSync(join(dir, 'repro.mjs'), 'utf8')).toMatch(/^\/\/ {3}npm i onnxruntime-web@VERSION && node repro\.mjs$/m);
    const ok = runScript(dir);
    expect(ok.out).toMatch(/^onnxruntime-web 1\.30\.0; /);
    expect(ok.code).toBe(0);
    alterExpected(dir, 'out', 1, (x) => x - 1);
    expect(runScript(dir).code).toBe(1);
  });

  it('judges a float64 output computed from float32 values at float32 tolerance', () => {
    const model: Model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [3] }],
      weights: [],
      nodes: [{ name: 'c', op: 'Cast', inputs: ['x'], outputs: [{ name: 'd', dtype: 'float64', shape: [3] }], attrs: { to: 11 } }],
      outputs: ['d'],
    };
    const meta = { ...readCaseFolder(join(root, 'ort-all')).meta!, verdict: { ...wrongOnOrtAll, backend: 'ort-basic' } };
    const text = reproScript({ meta, model });
    expect(text).toContain('const OUTPUTS = [{"name":"d","dtype":"float64","rtol":0.001,"atol":0.0001}];');
    expect(text).toContain('const SESSION_OPTIONS = {"graphOptimizationLevel":"basic","executionProviders":["cpu"],"logSeverityLevel":3};');
  });

  it('says in its header how to run it, records the bug in CASE and prints what it was', async () => {
    const dir = await scriptCase('header', wrongOnOrtAll);
    const text = readFileSync(join(dir, 'repro.mjs'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const header = text.split('\n').filter((l) => l.startsWith('//'));
    expect(header[0]).toBe('// A tensorsmith bug case. CASE below records it: the kind of bug, the SUT it was found on and');
    expect(header).toContain('//   npm i onnxruntime-node@VERSION && node repro.mjs');
    expect(text).toContain('"message": "output \'out\'[0, 1] is 7, expected 5",');
    expect(text).toContain('"sut": {\n    "package": "onnxruntime-node",\n    "version": "1.30.0"\n  },');
    expect(text).toContain('const INSTALL = "npm i onnxruntime-node@1.30.0";');
    const r = runScript(dir);
    expect(r.out).toMatch(/^onnxruntime-node 1\.30\.0; the bug recorded: wrong-result on ort-all\n {2}recorded: output 'out'\[0, 1\] is 7, expected 5\n/);
  });
});

describe('the repro.mjs of a SUT without a standalone script', () => {
  it('runs the tensorsmith CLI that wrote it on its own folder and passes its exit code on', async () => {
    const dir = join(root, 'log-wrong');
    await writeCase(dir, { model: logModel(), inputs: new Map([['x', POSITIVE_X]]), verdict: { kind: 'wrong-result', backend: 'log-wrong' } });
    // A stand-in CLI records how it is called.
    const bin = tempDir();
    const cli = join(bin, 'main.js');
    const log = join(bin, 'calls');
    writeFileSync(cli, `import { writeFileSync } from 'node:fs';\nif (process.argv[2] === '--version') process.exit(0);\nwriteFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' '));\nprocess.exit(1);\n`);
    writeReproScript(dir, { meta: readCaseFolder(dir).meta!, model: logModel(), cli });
    const text = readFileSync(join(dir, 'repro.mjs'), 'utf8');
    expect(text).toMatch(/^\/\/ No standalone script: the SUT \(CASE\.backend\) is an external adapter: only its adapter module knows how to run the model\.$/m);
    const r = runScript(dir);
    expect(r.code).toBe(1);
    expect(readFileSync(log, 'utf8')).toBe(`repro ${dir}/`);
  });

  it('explains why for tfjs and ref-cpu', () => {
    const meta = readCaseFolder(join(root, 'ort-all')).meta!;
    expect(reproScript({ meta: { ...meta, verdict: { ...wrongOnOrtAll, backend: 'tfjs-cpu' } }, model: smallModel() })).toMatch(/tfjs has no ONNX loader/);
    expect(reproScript({ meta: { ...meta, verdict: { ...wrongOnOrtAll, backend: 'ref-cpu' } }, model: smallModel() })).toMatch(/tensorsmith's own reference runtime/);
  });
});
