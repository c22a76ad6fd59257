import { byteSize, INTEGER_RANGES, type DType } from './dtype.js';
import { float16Bits, float16FromBits, roundToFloat16 } from './float16.js';

/**
 * A concrete tensor. Values are held as float64 whatever the dtype: the reference runtime computes in
 * float64, and every int32 value and every int64 value a fuzzer generates (|x| < 2^53) is exact in it.
 * Conversion to the dtype's own representation happens only at the edges (ONNX bytes, SUT inputs).
 */
export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function makeTensor(dtype: DType, shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const size = sizeOf(shape);
  const buf = data === undefined ? new Float64Array(size) : Float64Array.from(data);
  if (buf.length !== size) {
    throw new Error(`tensor of shape [${shape.join(', ')}] needs ${size} values, got ${buf.length}`);
  }
  return { dtype, shape: [...shape], data: castValues(dtype, buf) };
}

/**
 * Rounds values in place to what the dtype can represent: float32 and float16 rounding (ties to
 * even), integer wrap modulo the dtype's width (as a C++ cast does), bool.
 */
export function castValues(dtype: DType, data: Float64Array): Float64Array {
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]!);
      break;
    case 'float16':
      for (let i = 0; i < data.length; i++) data[i] = roundToFloat16(data[i]!);
      break;
    case 'int32':
      for (let i = 0; i < data.length; i++) data[i] = toInt32(data[i]!);
      break;
    case 'int64':
    case 'uint64':
      for (let i = 0; i < data.length; i++) data[i] = toInt64(dtype, data[i]!);
      break;
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'uint32':
      for (let i = 0; i < data.length; i++) data[i] = wrapInteger(dtype, data[i]!);
      break;
    case 'bool':
      for (let i = 0; i < data.length; i++) data[i] = data[i] !== 0 && !Number.isNaN(data[i]) ? 1 : 0;
      break;
    case 'float64':
      break;
  }
  return data;
}

function toInt32(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.trunc(x) | 0;
}

/** 64-bit integers are held only to 2^53 (see INTEGER_RANGES); uint64 wraps negatives as C++ does, to what float64 keeps. */
function toInt64(dtype: 'int64' | 'uint64', x: number): number {
  if (!Number.isFinite(x)) return 0;
  const t = Math.trunc(x);
  return dtype === 'uint64' && t < 0 ? t + 2 ** 64 : t;
}

/** Wraps x (truncated) into an integer dtype of at most 32 bits, modulo 2^bits. */
function wrapInteger(dtype: DType, x: number): number {
  if (!Number.isFinite(x)) return 0;
  const [lo, hi] = INTEGER_RANGES[dtype]!;
  const span = hi - lo + 1;
  const t = Math.trunc(x);
  if (t >= lo && t <= hi) return t;
  return ((((t - lo) % span) + span) % span) + lo;
}

/** The dtype's own typed array, as a SUT or an ONNX file wants it (float16 as its bits: Node 20 has no Float16Array). */
export type NativeArray =
  | Float32Array | Float64Array | Int32Array | BigInt64Array | BigUint64Array
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Uint32Array;

export function toNativeArray(t: Tensor): NativeArray {
  switch (t.dtype) {
    case 'float32':
      return Float32Array.from(t.data);
    case 'float64':
      return Float64Array.from(t.data);
    case 'float16':
      return Uint16Array.from(t.data, float16Bits);
    case 'int32':
      return Int32Array.from(t.data);
    case 'int64':
      return BigInt64Array.from(t.data, (x) => BigInt(x));
    case 'uint64':
      return BigUint64Array.from(t.data, (x) => BigInt(x));
    case 'int8':
      return Int8Array.from(t.data);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(t.data);
    case 'int16':
      return Int16Array.from(t.data);
    case 'uint16':
      return Uint16Array.from(t.data);
    case 'uint32':
      return Uint32Array.from(t.data);
  }
}

/** A tensor from the dtype's own typed array (float16 given as its bits). */
export function fromNativeArray(dtype: DType, shape: readonly number[], arr: ArrayLike<number | bigint>): Tensor {
  const data = new Float64Array(arr.length);
  if (dtype === 'float16') for (let i = 0; i < arr.length; i++) data[i] = float16FromBits(Number(arr[i]));
  else for (let i = 0; i < arr.length; i++) data[i] = Number(arr[i]);
  return makeTensor(dtype, shape, data);
}

/** Little-endian raw bytes in the dtype's representation (ONNX raw_data, inputs.json). */
export function toRawBytes(t: Tensor): Uint8Array {
  const out = new Uint8Array(t.data.length * byteSize(t.dtype));
  const view = new DataView(out.buffer);
  for (let i = 0; i < t.data.length; i++) {
    const x = t.data[i]!;
    switch (t.dtype) {
      case 'float32':
        view.setFloat32(i * 4, x, true);
        break;
      case 'float64':
        view.setFloat64(i * 8, x, true);
        break;
      case 'int32':
        view.setInt32(i * 4, x, true);
        break;
      case 'int64':
        view.setBigInt64(i * 8, BigInt(x), true);
        break;
      case 'float16':
        view.setUint16(i * 2, float16Bits(x), true);
        break;
      case 'int8':
        view.setInt8(i, x);
        break;
      case 'uint8':
      case 'bool':
        view.setUint8(i, x);
        break;
      case 'int16':
        view.setInt16(i * 2, x, true);
        break;
      case 'uint16':
        view.setUint16(i * 2, x, true);
        break;
      case 'uint32':
        view.setUint32(i * 4, x, true);
        break;
      case 'uint64':
        view.setBigUint64(i * 8, BigInt(x), true);
        break;
    }
  }
  return out;
}

export function fromRawBytes(dtype: DType, shape: readonly number[], bytes: Uint8Array): Tensor {
  const n = sizeOf(shape);
  const width = byteSize(dtype);
  if (bytes.length !== n * width) {
    throw new Error(`raw data of a ${dtype} tensor of shape [${shape.join(', ')}] must be ${n * width} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'float32':
        data[i] = view.getFloat32(i * 4, true);
        break;
      case 'float64':
        data[i] = view.getFloat64(i * 8, true);
        break;
      case 'int32':
        data[i] = view.getInt32(i * 4, true);
        break;
      case 'int64':
        data[i] = Number(view.getBigInt64(i * 8, true));
        break;
      case 'bool':
        data[i] = view.getUint8(i) ? 1 : 0;
        break;
      case 'float16':
        data[i] = float16FromBits(view.getUint16(i * 2, true));
        break;
      case 'int8':
        data[i] = view.getInt8(i);
        break;
      case 'uint8':
        data[i] = view.getUint8(i);
        break;
      case 'int16':
        data[i] = view.getInt16(i * 2, true);
        break;
      case 'uint16':
        data[i] = view.getUint16(i * 2, true);
        break;
      case 'uint32':
        data[i] = view.getUint32(i * 4, true);
        break;
      case 'uint64':
        data[i] = Number(view.getBigUint64(i * 8, true));
        break;
    }
  }
  return { dtype, shape: [...shape], data };
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}
