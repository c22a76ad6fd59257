import { byteSize, type DType } from './dtype.js';

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

/** Rounds values in place to what the dtype can represent (float32 rounding, integer wrap, bool). */
export function castValues(dtype: DType, data: Float64Array): Float64Array {
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]!);
      break;
    case 'int32':
      for (let i = 0; i < data.length; i++) data[i] = toInt32(data[i]!);
      break;
    case 'int64':
      for (let i = 0; i < data.length; i++) data[i] = toInt64(data[i]!);
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

function toInt64(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.trunc(x);
}

/** The dtype's own typed array, as a SUT or an ONNX file wants it. */
export type NativeArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export function toNativeArray(t: Tensor): NativeArray {
  switch (t.dtype) {
    case 'float32':
      return Float32Array.from(t.data);
    case 'float64':
      return Float64Array.from(t.data);
    case 'int32':
      return Int32Array.from(t.data);
    case 'int64':
      return BigInt64Array.from(t.data, (x) => BigInt(x));
    case 'bool':
      return Uint8Array.from(t.data);
  }
}

export function fromNativeArray(dtype: DType, shape: readonly number[], arr: ArrayLike<number | bigint>): Tensor {
  const data = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) data[i] = Number(arr[i]);
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
      case 'bool':
        view.setUint8(i, x);
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
