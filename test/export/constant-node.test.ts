import { describe, expect, it } from 'vitest';
import { constantNodeValue } from '../../src/export/constant-node.js';
import { modelFromOnnx, UnsupportedModelError } from '../../src/export/from-onnx.js';
import { onnx, type OnnxTypes } from '../../src/export/proto.js';
import { tensorToProto } from '../../src/export/tensor-proto.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const T = onnx.AttributeProto.AttributeType;

function constant(attribute: OnnxTypes.IAttributeProto): OnnxTypes.INodeProto {
  return { opType: 'Constant', output: ['c'], attribute: [attribute] };
}

function valueOf(attribute: OnnxTypes.IAttributeProto) {
  const t = constantNodeValue(constant(attribute), 'k');
  return { dtype: t.dtype, shape: t.shape, data: Array.from(t.data) };
}

describe('Constant nodes import with every numeric value attribute', () => {
  it('value, value_float(s), value_int(s)', () => {
    expect(valueOf({ name: 'value', type: T.TENSOR, t: tensorToProto('', makeTensor('int32', [2], [7, -7])) })).toEqual({ dtype: 'int32', shape: [2], data: [7, -7] });
    expect(valueOf({ name: 'value_float', type: T.FLOAT, f: 0.5 })).toEqual({ dtype: 'float32', shape: [], data: [0.5] });
    expect(valueOf({ name: 'value_floats', type: T.FLOATS, floats: [1.5, 0.1] })).toEqual({ dtype: 'float32', shape: [2], data: [1.5, Math.fround(0.1)] });
    expect(valueOf({ name: 'value_int', type: T.INT, i: -3 })).toEqual({ dtype: 'int64', shape: [], data: [-3] });
    expect(valueOf({ name: 'value_ints', type: T.INTS, ints: [2, -1, 4] })).toEqual({ dtype: 'int64', shape: [3], data: [2, -1, 4] });
    expect(valueOf({ name: 'value_ints', type: T.INTS, ints: [] })).toEqual({ dtype: 'int64', shape: [0], data: [] });
  });

  it('sparse_value, with coordinate or flat indices, made dense', () => {
    const values = tensorToProto('', makeTensor('float32', [2], [5, 6]));
    const coordinates = tensorToProto('', makeTensor('int64', [2, 2], [0, 1, 1, 2]));
    expect(valueOf({ name: 'sparse_value', type: T.SPARSE_TENSOR, sparseTensor: { values, indices: coordinates, dims: [2, 3] } })).toEqual({
      dtype: 'float32',
      shape: [2, 3],
      data: [0, 5, 0, 0, 0, 6],
    });
    const flat = tensorToProto('', makeTensor('int64', [2], [0, 5]));
    expect(valueOf({ name: 'sparse_value', type: T.SPARSE_TENSOR, sparseTensor: { values, indices: flat, dims: [2, 3] } }).data).toEqual([5, 0, 0, 0, 0, 6]);
    const outside = tensorToProto('', makeTensor('int64', [2], [0, 6]));
    expect(() => valueOf({ name: 'sparse_value', type: T.SPARSE_TENSOR, sparseTensor: { values, indices: outside, dims: [2, 3] } })).toThrow(
      /^node 'k' \(Constant\): sparse_value flat index 6 is outside \[0, 6\)$/,
    );
  });

  it('strings are unsupported, said on one line naming the node', () => {
    expect(() => valueOf({ name: 'value_string', type: T.STRING, s: new Uint8Array([65]) })).toThrow(UnsupportedModelError);
    expect(() => valueOf({ name: 'value_strings', type: T.STRINGS, strings: [] })).toThrow(/^node 'k' \(Constant\) holds strings \(value_strings\)/);
  });

  it('a value_int Constant feeding an op imports as a weight', () => {
    const proto = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        input: [{ name: 'x', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 2 }] } } } }],
        node: [
          { opType: 'Constant', name: 'k', output: ['c'], attribute: [{ name: 'value_int', type: T.INT, i: 3 }] },
          { opType: 'Add', name: 'add', input: ['x', 'c'], output: ['y'] },
        ],
        output: [{ name: 'y' }],
      },
    });
    const model = modelFromOnnx(proto, builtinRegistry());
    expect(model.weights.map((w) => [w.name, w.value.dtype, w.value.shape, Array.from(w.value.data)])).toEqual([['c', 'int64', [], [3]]]);
    expect(model.nodes[0]!.outputs[0]).toEqual({ name: 'y', dtype: 'int64', shape: [2] });
  });
});
