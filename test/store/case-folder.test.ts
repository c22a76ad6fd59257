import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { readBugFolders, readCaseFolder, writeCaseFolder } from '../../src/store/case-folder.js';
import { readCaseMeta, type CaseMeta } from '../../src/store/case-meta.js';
import { readActualFile, readExpectedFile, readInputsFile } from '../../src/store/tensors-file.js';
import { smallModel, tempDir } from '../helpers.js';
import { expectEachRefused, expectRefused, withField } from './refusal.js';

const registry = builtinRegistry();
const model = smallModel();
const inputs = new Map([['x', makeTensor('float32', [2, 3], [1, -2, 3, -4, 5, 6])], ['y', makeTensor('float32', [2], [0.5, -0.5])]]);
const expected = new Map([['out', makeTensor('float32', [2, 2], [1, 2, NaN, Infinity])]]);
const verdict: Verdict = {
  kind: 'wrong-result',
  backend: 'ort-all',
  message: 'off',
  worst: { output: 'out', index: 3, position: [1, 1], expected: Infinity, actual: NaN, errorRatio: 2 },
};
const meta: CaseMeta = {
  format: 'tensorsmith.case/1',
  seed: 's',
  testIndex: 3,
  toolVersion: '0.1.0',
  backends: [{ name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0' }],
  config: { backends: ['ort-all'] },
  verdict,
  signature: bugSignature(verdict, model),
  timings: { generateMs: 3 },
  createdAt: '2024-01-01T00:00:00.000Z',
  status: 'new',
  reduction: { before: 3, after: 1, timedOut: false },
  setup: { testIndex: 1 },
  family: 'ort',
};

function caseFolder(): string {
  const campaign = tempDir('tensorsmith-store-');
  const dir = join(campaign, 'bugs', meta.signature.hash);
  mkdirSync(join(campaign, 'bugs'));
  writeCaseFolder(dir, { model, onnx: modelToOnnx(model, registry), inputs, expected, actual: { error: 'kernel failed' }, meta, setup: { model, onnx: modelToOnnx(model, registry), inputs } });
  return dir;
}

describe('case folder files', () => {
  it('reads back what it wrote: model, inputs, meta, expected and actual outputs, setup', () => {
    const dir = caseFolder();
    const c = readCaseFolder(dir);
    expect(c.model).toEqual(model);
    expect(c.inputs).toEqual(inputs);
    expect(c.meta).toEqual(meta);
    expect(c.setup?.inputs).toEqual(inputs);
    expect(readExpectedFile(join(dir, 'expected.json'))).toEqual(expected);
    expect(readActualFile(join(dir, 'actual.json'))).toEqual({ error: 'kernel failed' });
    expect(readBugFolders(join(dir, '..', '..'))).toEqual([{ meta, dir: join('bugs', meta.signature.hash) }]);
  });

  it('refuses damaged meta.json files, naming the field', () => {
    const file = join(caseFolder(), 'meta.json');
    const text = JSON.stringify(meta);
    expectEachRefused(file, [[''], [text.slice(0, 50), /not valid JSON/], ['null', /got null/], ['{"format": "tensorsmith.summary/1"}', /is not a tensorsmith case record/]], () => readCaseMeta(file));
    const cases: [(string | number)[], unknown, RegExp][] = [
      [['verdict'], undefined, /verdict must be an object, got nothing/],
      [['verdict', 'kind'], 'broken', /verdict\.kind must be one of/],
      [['verdict', 'worst', 'position', 0], -1, /verdict\.worst\.position\[0\]/],
      [['verdict', 'worst', 'actual'], 'big', /verdict\.worst\.actual must be a number/],
      [['backends', 0], null, /backends\[0\] must be a SUT description/],
      [['signature', 'kernels'], [true], /signature\.kernels\[0\] must be a string/],
      [['timings', 'generateMs'], 'fast', /timings\."generateMs" must be a number/],
      [['reduction', 'before'], null, /reduction\."before" must be a number/],
      [['status'], 'open', /status must be one of/],
      [['setup', 'testIndex'], -1, /setup\.testIndex must be a non-negative integer/],
      [['config'], 'x', /config must be an object/],
    ];
    for (const [path, value, pattern] of cases) {
      writeFileSync(file, JSON.stringify(withField(meta, path, value)));
      expectRefused(() => readCaseMeta(file), file, pattern);
    }
    // A campaign's own case folder must say where it came from.
    writeFileSync(file, JSON.stringify(withField(meta, ['seed'], undefined)));
    expectRefused(() => readBugFolders(join(file, '..', '..', '..')), file, /seed must be a string, got nothing/);
  });

  it('refuses damaged inputs, expected and actual files', () => {
    const dir = caseFolder();
    const inputsFile = join(dir, 'inputs.json');
    expectEachRefused(inputsFile, [[''], ['{"inputs": ', /not valid JSON/], ['null', /got null/], ['{"inputs": {"x": null}}', /tensor 'x'/], ['{"format": "x", "inputs": {}}', /is not a tensorsmith tensor file/]], () =>
      readInputsFile(inputsFile),
    );
    const expectedFile = join(dir, 'expected.json');
    expectEachRefused(expectedFile, [['[]', /got a list/], ['{"outputs": {"out": {"dtype": "float32", "shape": [-1], "data": ""}}}', /shape with -1/]], () => readExpectedFile(expectedFile));
    const actualFile = join(dir, 'actual.json');
    expectEachRefused(actualFile, [['{"error": 3}', /"error" must be a string/], ['{"error": "x", "outputs": {}}', /not both/], ['{"backend": 1, "outputs": {}}', /"backend" must be a string/]], () => readActualFile(actualFile));
  });
});
