import { dtypeFromOnnx, onnxDataType, type DType } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';
import { tensorElementsProblem } from '../ir/limits.js';
import { UnsupportedModelError } from './errors.js';
import { fromNativeArray, fromRawBytes, toRawBytes, type Tensor } from '../ir/tensor.js';
import { onnx, toNumber, type OnnxTypes } from './proto.js';

/**
 * The doc_string of an initializer whose values a rewrite pattern needs exactly (Weight.fixed): the
 * ONNX file keeps the mark, so that a case imported back searches its inputs as the campaign did.
 */
export const FIXED_WEIGHT_DOC = 'tensorsmith: fixed (a rewrite pattern matches these exact values)';

export function tensorToProto(name: string, t: Tensor, fixed = false): OnnxTypes.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...t.shape],
    dataType: onnxDataType(t.dtype),
    rawData: toRawBytes(t),
    ...(fixed ? { docString: FIXED_WEIGHT_DOC } : {}),
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
  const badDim = shape.find((d) => !Number.isSafeInteger(d) || d < 0);
  if (badDim !== undefined) throw new UserError(`${where}: dims [${shape.join(', ')}] hold ${badDim}; dims must be non-negative integers`);
  const tooBig = tensorElementsProblem(shape);
  if (tooBig) throw new UserError(`${where} ${tooBig}`);
  if (p.rawData && p.rawData.length > 0) {
    try {
      return fromRawBytes(dtype, shape, p.rawData);
    } catch (e) {
      throw new UserError(`${where}: ${(e as Error).message}; the tensor's raw_data does not match its dims and data type (the file is damaged or was written wrongly)`);
    }
  }
  // ONNX keeps every type of 32 bits or fewer but float32 in int32_data (float16 as its bits), and
  // uint32 and uint64 in uint64_data.
  const fields: Record<DType, ArrayLike<number | { toNumber(): number }> | null | undefined> = {
    float32: p.floatData,
    float64: p.doubleData,
    float16: p.int32Data,
    int8: p.int32Data,
    uint8: p.int32Data,
    int16: p.int32Data,
    uint16: p.int32Data,
    int32: p.int32Data,
    int64: p.int64Data,
    uint32: p.uint64Data,
    uint64: p.uint64Data,
    bool: p.int32Data,
  };
  const values = Array.from(fields[dtype] ?? [], (x) => toNumber(x as number));
  try {
    return fromNativeArray(dtype, shape, values);
  } catch (e) {
    throw new UserError(`${where}: ${(e as Error).message}; the tensor's data does not match its dims (the file is damaged or was written wrongly)`);
  }
}

export function decodeTensorFile(bytes: Uint8Array, where: string): Tensor {
  return tensorFromProto(onnx.TensorProto.decode(bytes), where);
}

export function encodeTensorFile(name: string, t: Tensor): Uint8Array {
  return onnx.TensorProto.encode(tensorToProto(name, t)).finish();
}
