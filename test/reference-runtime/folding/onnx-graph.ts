import { onnx, type OnnxTypes } from '../../../src/export/proto.js';
import { tensorToProto } from '../../../src/export/tensor-proto.js';
import { onnxDataType, type DType } from '../../../src/ir/dtype.js';
import { makeTensor } from '../../../src/ir/tensor.js';

/** Test-side builders of small hand-written ONNX graphs, as foreign exporters write them. */
export function node(op: string, inputs: string[], outputs: string[], attrs: OnnxTypes.IAttributeProto[] = [], name = outputs[0]!): OnnxTypes.INodeProto {
  return { opType: op, name, input: inputs, output: outputs, attribute: attrs };
}

export function intsAttr(name: string, ints: number[]): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

export function intAttr(name: string, i: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

export function stringAttr(name: string, s: string): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) };
}

export function tensorAttr(name: string, dtype: DType, shape: number[], data: number[]): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.TENSOR, t: tensorToProto('', makeTensor(dtype, shape, data)) };
}

/** A Constant node holding an int64 tensor, as exporters write shape pieces. */
export function constInts(output: string, shape: number[], data: number[]): OnnxTypes.INodeProto {
  return node('Constant', [], [output], [tensorAttr('value', 'int64', shape, data)]);
}

export function valueInfo(name: string, dtype: DType, shape: number[]): OnnxTypes.IValueInfoProto {
  return { name, type: { tensorType: { elemType: onnxDataType(dtype), shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

export function onnxModel(
  graph: { inputs: OnnxTypes.IValueInfoProto[]; nodes: OnnxTypes.INodeProto[]; outputs: string[]; initializers?: OnnxTypes.ITensorProto[] },
  opset = 17,
): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      input: graph.inputs,
      node: graph.nodes,
      initializer: graph.initializers ?? [],
      output: graph.outputs.map((name) => ({ name })),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
