import type { AttrValue } from '../ir/model.js';
import { onnxDataType } from '../ir/dtype.js';
import { UnsupportedModelError } from './errors.js';
import { tensorFromProto } from './tensor-proto.js';
import { onnx, toNumber, type OnnxTypes } from './proto.js';

/** An ONNX attribute as a tensorsmith attribute value (int, float, string, ints, floats, strings, a one-element tensor). */
export function attributeValue(a: OnnxTypes.IAttributeProto, where: string): AttrValue {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return toNumber(a.i);
    case T.FLOAT:
      return a.f ?? 0;
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.INTS:
      return (a.ints ?? []).map((x) => toNumber(x));
    case T.FLOATS:
      return [...(a.floats ?? [])];
    case T.STRINGS:
      return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case T.TENSOR: {
      // A one-element tensor (ConstantOfShape's value) is held as [ONNX data type code, value].
      const t = tensorFromProto(a.t ?? {}, where);
      if (t.data.length !== 1) throw new UnsupportedModelError(`${where} is a tensor of ${t.data.length} elements; only one-element tensor attributes are supported`);
      return [onnxDataType(t.dtype), t.data[0]!];
    }
    default:
      throw new UnsupportedModelError(`${where} has attribute type ${a.type}, which is not supported`);
  }
}
