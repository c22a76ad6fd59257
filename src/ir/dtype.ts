/**
 * Element types a tensorsmith model can carry: ONNX's numeric tensor types and bool. (bfloat16 and
 * the 8-bit float types are not here: few runtimes implement them and no spec uses them yet.)
 */
export const DTYPES = [
  'float32', 'float64', 'float16',
  'int32', 'int64', 'int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64',
  'bool',
] as const;
export type DType = (typeof DTYPES)[number];

export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64', 'float16'];
export const INT_DTYPES: readonly DType[] = ['int32', 'int64', 'int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64'];
export const NUMERIC_DTYPES: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES];
/** The dtypes tensorsmith started with: what a generator draws unless told otherwise. */
export const CORE_DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloatDType(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16';
}

export function isIntDType(d: DType): boolean {
  return INT_DTYPES.includes(d);
}

export function isUnsignedDType(d: DType): boolean {
  return d === 'uint8' || d === 'uint16' || d === 'uint32' || d === 'uint64';
}

export function byteSize(d: DType): number {
  switch (d) {
    case 'bool':
    case 'int8':
    case 'uint8':
      return 1;
    case 'float16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8;
  }
}

/**
 * The integers each integer dtype holds. 64-bit types are exact in the reference's float64 only to
 * 2^53: beyond it the reference cannot say what the right answer is.
 */
export const INTEGER_RANGES: Readonly<Partial<Record<DType, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-(2 ** 53), 2 ** 53],
  uint64: [0, 2 ** 53],
};

/** ONNX TensorProto.DataType codes. */
const ONNX_CODES: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
};

export function onnxDataType(d: DType): number {
  return ONNX_CODES[d];
}

export function dtypeFromOnnx(code: number): DType | undefined {
  for (const d of DTYPES) if (ONNX_CODES[d] === code) return d;
  return undefined;
}
