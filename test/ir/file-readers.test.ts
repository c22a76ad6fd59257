import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOnnxModelFile, UnsupportedModelError } from '../../src/export/from-onnx.js';
import { onnx } from '../../src/export/proto.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { UserError } from '../../src/ir/errors.js';
import { modelFromJson, modelToJson, parseJsonText, readModelJsonFile } from '../../src/ir/json.js';
import { readJsonFile } from '../../src/store/json-file.js';
import { readInputsFile } from '../../src/store/tensors-file.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { smallModel, tempDir } from '../helpers.js';

const registry = builtinRegistry();

describe('file readers give one-line UserErrors naming the file', () => {
  it('readJsonFile: missing, folder, empty, malformed; a byte-order mark is accepted', () => {
    const dir = tempDir();
    const file = join(dir, 'a.json');
    expect(() => readJsonFile(file)).toThrow(new RegExp(`${file} does not exist`));
    mkdirSync(join(dir, 'folder.json'));
    expect(() => readJsonFile(join(dir, 'folder.json'))).toThrow(/folder\.json is a folder/);
    writeFileSync(file, '  \n');
    expect(() => readJsonFile(file)).toThrow(/a\.json is empty/);
    writeFileSync(file, '{"a": ');
    expect(() => readJsonFile(file)).toThrow(UserError);
    expect(() => readJsonFile(file)).toThrow(/a\.json is not valid JSON/);
    writeFileSync(file, '\uFEFF{"a": 1}');
    expect(readJsonFile(file)).toEqual({ a: 1 });
    expect(parseJsonText('\uFEFF[1]', 'x.json')).toEqual([1]);
  });

  it('model.json with a BOM reads; structural errors name the file', () => {
    const dir = tempDir();
    const file = join(dir, 'model.json');
    writeFileSync(file, '\uFEFF' + modelToJson(smallModel()));
    expect(readModelJsonFile(file)).toEqual(modelFromJson(modelToJson(smallModel())));
    writeFileSync(file, '{"format": "nope"}');
    expect(() => readModelJsonFile(file)).toThrow(new RegExp(`^${file}: model: "format" must be`));
  });

  it('readInputsFile refuses null, a list, and data that does not match the shape', () => {
    const file = join(tempDir(), 'inputs.json');
    writeFileSync(file, 'null');
    expect(() => readInputsFile(file)).toThrow(/inputs\.json: the file must be a JSON object with "inputs".*got null/);
    writeFileSync(file, '[]');
    expect(() => readInputsFile(file)).toThrow(/got a list/);
    writeFileSync(file, JSON.stringify({ inputs: { x: { dtype: 'float32', shape: [3], data: 'AAAA' } } }));
    expect(() => readInputsFile(file)).toThrow(/tensor 'x': raw data of a float32 tensor of shape \[3\] must be 12 bytes, got 3/);
    writeFileSync(file, JSON.stringify({ inputs: { x: { dtype: 'float32', shape: [-1], data: '' } } }));
    expect(() => readInputsFile(file)).toThrow(/tensor 'x' has a shape with -1/);
  });

  it('readOnnxModelFile prefixes the file to import errors and keeps their class', () => {
    const dir = tempDir();
    const file = join(dir, 'model.onnx');
    mkdirSync(join(dir, 'folder.onnx'));
    expect(() => readOnnxModelFile(join(dir, 'folder.onnx'), registry)).toThrow(/folder\.onnx is a folder/);
    writeFileSync(file, modelToOnnx(smallModel(), registry));
    expect(readOnnxModelFile(file, registry).nodes).toHaveLength(3);
    const proto = onnx.ModelProto.decode(modelToOnnx(smallModel(), registry));
    proto.graph!.initializer![0]!.rawData = new Uint8Array(5);
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    expect(() => readOnnxModelFile(file, registry)).toThrow(new RegExp(`^${file}: initializer 'w': raw data .* must be 24 bytes, got 5`));
    const fresh = onnx.ModelProto.decode(modelToOnnx(smallModel(), registry));
    fresh.graph!.node![0]!.opType = 'NoSuchOp';
    writeFileSync(file, onnx.ModelProto.encode(fresh).finish());
    expect(() => readOnnxModelFile(file, registry)).toThrow(UnsupportedModelError);
    expect(() => readOnnxModelFile(file, registry)).toThrow(new RegExp(`^${file}: op NoSuchOp is not supported`));
  });
});
