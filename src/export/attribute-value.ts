import type { AttrValue } from '../ir/model.js';
import { UnsupportedModelError } from './errors.js';
import { onnx, toNumber, type OnnxTypes } from './proto.js';

/** An ONNX attribute as a tensorsmith attribute value (int, float, string, ints, floats, strings). */
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
    default:
      throw new UnsupportedModelError(`${where} has attribute type ${a.type}, which is not supported`);
  }
}
