import { dtypeFromOnnx, onnxDataType } from '../ir/dtype.js';
import { makeTensor } from '../ir/tensor.js';
import { outputInfos, type AttrValue, type Model, type ValueInfo } from '../ir/model.js';
import type { OpRegistry } from '../opspec/registry.js';
import { onnxAttrKind, type OnnxAttrKind } from '../opspec/spec.js';
import { rankRange, slotAt } from '../opspec/infer.js';
import { valueTypes } from '../ir/model.js';
import { onnx, type OnnxTypes } from './proto.js';
import { tensorToProto } from './tensor-proto.js';

const IR_VERSION = 8;

function valueInfoProto(v: ValueInfo): OnnxTypes.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: {
      tensorType: {
        elemType: onnxDataType(v.dtype),
        shape: { dim: v.shape.map((d) => ({ dimValue: d })) },
      },
    },
  });
}

function attributeProto(name: string, kind: OnnxAttrKind, value: AttrValue): OnnxTypes.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: T.INT, i: value as number });
    case 'float':
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value as number });
    case 'string':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value as string) });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...(value as number[])] });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...(value as number[])] });
    case 'strings':
      return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) });
    case 'tensor': {
      // Held as [ONNX data type code, value]: a one-element tensor (see the 'scalar-tensor' attribute kind).
      const [code, element] = value as readonly number[];
      const dtype = dtypeFromOnnx(code!);
      if (!dtype) throw new Error(`attribute '${name}' names ONNX data type ${code}, which tensorsmith does not have`);
      return onnx.AttributeProto.create({ name, type: T.TENSOR, t: tensorToProto('', makeTensor(dtype, [1], [element!])) });
    }
  }
}

/** Serializes a model as ONNX ModelProto bytes. Deterministic: the same model gives the same bytes. */
export function modelToOnnx(model: Model, registry: OpRegistry): Uint8Array {
  const types = valueTypes(model);
  const nodes = model.nodes.map((node) => {
    const spec = registry.get(node.op, model.opset);
    const ranks: number[] = [];
    node.inputs.forEach((name, i) => {
      const slot = slotAt(spec, i);
      const t = name === '' ? undefined : types.get(name);
      ranks.push(t ? t.shape.length : slot ? rankRange(slot, ranks)[0] : 0);
    });
    const declared = spec.attrs?.(ranks) ?? {};
    const attribute = Object.keys(node.attrs)
      .sort()
      .map((name) => {
        const decl = declared[name];
        if (!decl) throw new Error(`node '${node.name}': attribute '${name}' is not declared by the ${node.op} spec`);
        return attributeProto(name, onnxAttrKind(decl), node.attrs[name]!);
      });
    // ONNX drops trailing omitted optional inputs; inner ones stay as ''.
    const inputs = [...node.inputs];
    while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
    return onnx.NodeProto.create({
      name: node.name,
      opType: node.op,
      input: inputs,
      output: node.outputs.map((o) => o.name),
      attribute,
    });
  });
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'tensorsmith',
    opsetImport: [{ domain: '', version: model.opset }],
    graph: {
      name: 'tensorsmith',
      node: nodes,
      initializer: model.weights.map((w) => tensorToProto(w.name, w.value, w.fixed === true)),
      input: model.inputs.map(valueInfoProto),
      output: outputInfos(model).map(valueInfoProto),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
