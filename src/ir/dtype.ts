/** Element types a tensorsmith model can carry. float16 comes later. */
export const DTYPES = ['float32', 'float64', 'int32', 'int64', 'bool'] as const;
export type DType = (typeof DTYPES)[number];

export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64'];
export const INT_DTYPES: readonly DType[] = ['int32', 'int64'];
export const NUMERIC_DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloatDType(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function isIntDType(d: DType): boolean {
  return d === 'int32' || d === 'int64';
}

export function byteSize(d: DType): number {
  switch (d) {
    case 'float32':
    case 'int32':
      return 4;
    case 'float64':
    case 'int64':
      return 8;
    case 'bool':
      return 1;
  }
}

/** ONNX TensorProto.DataType codes. */
const ONNX_CODES: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

export function onnxDataType(d: DType): number {
  return ONNX_CODES[d];
}

export function dtypeFromOnnx(code: number): DType | undefined {
  for (const d of DTYPES) if (ONNX_CODES[d] === code) return d;
  return undefined;
}
