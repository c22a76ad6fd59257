import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTestFiles } from '../../src/store/case-folder.js';
import { runCli } from '../../src/cli/program.js';
import { onnx } from '../../src/export/proto.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { modelToJson } from '../../src/ir/json.js';
import { MAX_ELEMENTS_ENV, MAX_FILE_TENSOR_ELEMENTS, maxTensorElements } from '../../src/ir/limits.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { captureIo, smallModel, tempDir } from '../helpers.js';

const registry = builtinRegistry();

/** Runs the CLI and returns its exit code and stderr. */
async function cli(argv: string[]): Promise<{ code: number; err: string }> {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, err: io.stderr() };
}

/** Exit 2, exactly one stderr line of the form `tensorsmith: ...`, matching `message`. */
function expectOneLine(r: { code: number; err: string }, message: RegExp): void {
  expect(r.code, r.err).toBe(2);
  const lines = r.err.trimEnd().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^tensorsmith: /);
  expect(lines[0]).not.toMatch(/internal error|at .*\.(ts|js):\d+/);
  expect(lines[0]).toMatch(message);
}

const INPUTS = new Map([
  ['x', makeTensor('float32', [2, 3], [1, -2, 3, -4, 5, -6])],
  ['y', makeTensor('float32', [2], [0.5, -0.5])],
]);

/** A valid case folder of smallModel (model.json, model.onnx, inputs.json). */
function validCase(): string {
  const dir = join(tempDir(), 'case');
  writeTestFiles(dir, { model: smallModel(), onnx: modelToOnnx(smallModel(), registry), inputs: INPUTS });
  return dir;
}

const run = (path: string) => cli(['run', path, '--backends', 'ref-cpu', '--no-isolation']);

function reduceModel(keepdims: number): Model {
  return {
    opset: 18,
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
    weights: [],
    nodes: [{ name: 'sum', op: 'ReduceSum', inputs: ['x'], outputs: [{ name: 'out', dtype: 'float32', shape: [1, 1] }], attrs: { keepdims } }],
    outputs: ['out'],
  };
}

function reluModel(shape: number[]): Model {
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape }],
    weights: [],
    nodes: [{ name: 'relu', op: 'Relu', inputs: ['x'], outputs: [{ name: 'out', dtype: 'float32', shape }], attrs: {} }],
    outputs: ['out'],
  };
}

afterEach(() => {
  delete process.env[MAX_ELEMENTS_ENV];
});

describe('bad input files give one line and exit 2 (issue 13)', () => {
  it('a valid case folder still runs', async () => {
    const dir = validCase();
    expect((await run(dir)).code).toBe(0);
    expect((await run(join(dir, 'model.onnx'))).code).toBe(0);
    expect((await run(join(dir, 'model.json'))).code).toBe(0);
  });

  it('1: an ONNX initializer whose raw data does not match its dims and dtype', async () => {
    const dir = validCase();
    const file = join(dir, 'model.onnx');
    const proto = onnx.ModelProto.decode(readFileSync(file));
    const init = proto.graph!.initializer![0]!;
    init.rawData = init.rawData!.subarray(0, 10);
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    expectOneLine(await run(file), /initializer 'w'.*must be 24 bytes, got 10.*raw_data does not match its dims/);
  });

  it('2: inputs.json that is null, empty, truncated or whose data does not match its shape', async () => {
    const good = readFileSync(join(validCase(), 'inputs.json'), 'utf8');
    const damaged: [string, RegExp][] = [
      ['null', /inputs\.json: the file must be a JSON object with "inputs".*got null/],
      ['', /inputs\.json is empty/],
      [good.slice(0, good.length / 2), /inputs\.json is not valid JSON/],
      [good.replace('"shape": [2, 3]', '"shape": [4, 3]'), /inputs\.json: tensor 'x': raw data .* must be 48 bytes, got 24/],
      [good.replace('"shape": [2, 3]', '"shape": [2, "a"]'), /inputs\.json: tensor 'x' has a shape with "a"/],
    ];
    for (const [text, message] of damaged) {
      const dir = validCase();
      writeFileSync(join(dir, 'inputs.json'), text);
      expectOneLine(await run(dir), message);
    }
  });

  it('3: a model.json that is a folder is refused; one with a byte-order mark is read', async () => {
    const folder = validCase();
    rmSync(join(folder, 'model.json'));
    mkdirSync(join(folder, 'model.json'));
    expectOneLine(await run(folder), /model\.json is a folder/);

    const bom = validCase();
    for (const name of ['model.json', 'inputs.json']) {
      writeFileSync(join(bom, name), '\uFEFF' + readFileSync(join(bom, name), 'utf8'));
    }
    const r = await run(bom);
    expect(r.code, r.err).toBe(0);
  });

  it('4: a meta.json with wrong types in the fields repro and reduce read', async () => {
    const metas: [object, RegExp][] = [
      [{ backends: [null] }, /meta\.json: backends\[0\] must be a SUT description/],
      [{ backends: [{ name: 3 }] }, /meta\.json: backends\[0\]\.name must be a string, got number 3/],
      [{ backends: 'ort' }, /meta\.json: backends must be a list/],
      [{ setup: 'x' }, /meta\.json: setup must be an object/],
      [{ setup: { testIndex: -1 } }, /meta\.json: setup\.testIndex must be a non-negative integer/],
      [{ testIndex: 'a' }, /meta\.json: testIndex must be a non-negative integer/],
      [{ signature: { ops: [1] } }, /meta\.json: signature\.ops\[0\] must be a string, got number 1/],
      [{ verdict: { kind: 'crash', backend: 7 } }, /meta\.json: verdict\.backend must be a string/],
    ];
    for (const [fields, message] of metas) {
      const dir = validCase();
      const meta = { format: 'tensorsmith.case/1', verdict: { kind: 'crash', backend: 'ref-cpu' }, config: {}, ...fields };
      writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
      expectOneLine(await cli(['repro', dir, '--backends', 'ref-cpu', '--no-isolation']), message);
    }
    const notObject = validCase();
    writeFileSync(join(notObject, 'meta.json'), '[1]');
    expectOneLine(await cli(['repro', notObject, '--backends', 'ref-cpu', '--no-isolation']), /meta\.json: the file must be a JSON object/);
  });

  it('5: an attribute outside its declared choices (ReduceSum keepdims 7) is refused', async () => {
    const dir = join(tempDir(), 'case');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), modelToJson(reduceModel(7)));
    writeFileSync(join(dir, 'inputs.json'), readFileSync(join(validCase(), 'inputs.json')));
    expectOneLine(await run(join(dir, 'model.json')), /node 'sum' \(ReduceSum\): attribute 'keepdims' must be one of 0, 1, got 7/);

    // The same node in ONNX: modelToOnnx writes the attribute as it is.
    const proto = onnx.ModelProto.decode(modelToOnnx(reduceModel(1), registry));
    const attr = proto.graph!.node![0]!.attribute!.find((a) => a.name === 'keepdims')!;
    attr.i = 7;
    const onnxFile = join(dir, 'model.onnx');
    writeFileSync(onnxFile, onnx.ModelProto.encode(proto).finish());
    expectOneLine(await run(onnxFile), /node 'sum' \(ReduceSum\): attribute 'keepdims' must be one of 0, 1, got 7/);
  });

  it('6: huge tensors are refused before anything allocates', async () => {
    expect(MAX_FILE_TENSOR_ELEMENTS).toBe(2 ** 26);
    expect(maxTensorElements({})).toBe(2 ** 26);
    expect(maxTensorElements({ [MAX_ELEMENTS_ENV]: '100' })).toBe(100);
    expect(() => maxTensorElements({ [MAX_ELEMENTS_ENV]: 'lots' })).toThrow(/TENSORSMITH_MAX_ELEMENTS must be a positive integer/);

    const dir = join(tempDir(), 'case');
    mkdirSync(dir);
    // model.json: a Relu on a 20000x20000 input, and a dim of 1e10.
    writeFileSync(join(dir, 'model.json'), modelToJson(reluModel([20000, 20000])));
    expectOneLine(await run(join(dir, 'model.json')), /input #0 'x'.*has shape \[20000, 20000\] = 400000000 elements, over the limit of 67108864 per tensor/);
    writeFileSync(join(dir, 'model.json'), modelToJson(reluModel([1e10])));
    expectOneLine(await run(join(dir, 'model.json')), /has shape \[10000000000\] = 10000000000 elements, over the limit/);

    // model.onnx with the same Relu.
    const onnxFile = join(dir, 'model.onnx');
    writeFileSync(onnxFile, modelToOnnx(reluModel([20000, 20000]), registry));
    expectOneLine(await run(onnxFile), /input 'x' has shape \[20000, 20000\] = 400000000 elements, over the limit of 67108864/);

    // inputs.json with a huge shape.
    const c = validCase();
    const good = readFileSync(join(c, 'inputs.json'), 'utf8');
    writeFileSync(join(c, 'inputs.json'), good.replace('"shape": [2, 3]', '"shape": [100000, 100000]'));
    expectOneLine(await run(c), /inputs\.json: tensor 'x' has shape \[100000, 100000\] = 10000000000 elements, over the limit/);

    // The override lowers the limit; the reference runtime checks inferred output shapes too.
    process.env[MAX_ELEMENTS_ENV] = '4';
    expectOneLine(await run(validCase()), /over the limit of 4 per tensor \(set TENSORSMITH_MAX_ELEMENTS to raise it\)/);
    process.env[MAX_ELEMENTS_ENV] = '6';
    expect(() => runReference(smallModel(), INPUTS, { registry })).not.toThrow();
    const wide: Model = {
      ...smallModel(),
      nodes: [
        ...smallModel().nodes,
        { name: 'mm2', op: 'MatMul', inputs: ['w', 'x'], outputs: [{ name: 'big', dtype: 'float32', shape: [3, 3] }], attrs: {} },
      ],
      outputs: ['big'],
    };
    expect(() => runReference(wide, INPUTS, { registry })).toThrow(/node 'mm2' \(MatMul\): output 'big' has shape \[3, 3\] = 9 elements, over the limit of 6/);
  });
});
