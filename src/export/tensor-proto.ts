import { dtypeFromOnnx, onnxDataType } from '../ir/dtype.js';
import { UnsupportedModelError } from './errors.js';
import { fromNativeArray, fromRawBytes, toRawBytes, type Tensor } from '../ir/tensor.js';
import { onnx, toNumber, type OnnxTypes } from './proto.js';

export function tensorToProto(name: string, t: Tensor): OnnxTypes.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...t.shape],
    dataType: onnxDataType(t.dtype),
    rawData: toRawBytes(t),
  });
}

/** Decodes a TensorProto from raw_data or the typed repeated fields. */
export function tensorFromProto(p: OnnxTypes.ITensorProto, where: string): Tensor {
  const dtype = dtypeFromOnnx(p.dataType ?? 0);
  if (!dtype) throw new UnsupportedModelError(`${where}: tensor element type ${p.dataType} is not supported`);
  const shape = (p.dims ?? []).map((d) => toNumber(d));
  if (p.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new UnsupportedModelError(`${where}: tensors with external data are not supported`);
  }
  if (p.rawData && p.rawData.length > 0) return fromRawBytes(dtype, shape, p.rawData);
  const fields: Record<string, ArrayLike<number | { toNumber(): number }> | null | undefined> = {
    float32: p.floatData,
    float64: p.doubleData,
    int32: p.int32Data,
    int64: p.int64Data,
    bool: p.int32Data,
  };
  const values = Array.from(fields[dtype] ?? [], (x) => toNumber(x as number));
  return fromNativeArray(dtype, shape, values);
}

export function decodeTensorFile(bytes: Uint8Array, where: string): Tensor {
  return tensorFromProto(onnx.TensorProto.decode(bytes), where);
}

export function encodeTensorFile(name: string, t: Tensor): Uint8Array {
  return onnx.TensorProto.encode(tensorToProto(name, t)).finish();
}
