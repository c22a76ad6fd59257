import { DTYPES, type DType } from '../ir/dtype.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';

/** The typed array a runtime holds a dtype's values in (int64: BigInt64Array, bool: Uint8Array). */
export type NativeArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A tensorsmith tensor's values as the typed array runtimes take for its dtype (onnxruntime, tfjs). */
export function toTypedArray(t: Tensor): NativeArray {
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
      return Uint8Array.from(t.data, (x) => (x ? 1 : 0));
  }
}

/**
 * A tensor for run() to return from a runtime's values: any typed array or number array (int64
 * BigInts become Numbers, exact below 2^53). Throws, naming what is wrong, on an unknown dtype or a
 * value count that does not fill the shape.
 */
export function fromTypedArray(dtype: string, shape: readonly number[], values: ArrayLike<number | bigint>): Tensor {
  if (!(DTYPES as readonly string[]).includes(dtype)) throw new Error(`fromTypedArray: dtype '${dtype}' is not one of ${DTYPES.join(', ')}`);
  const numbers = Array.from(values, Number);
  const size = shape.reduce((a, d) => a * d, 1);
  if (numbers.length !== size) throw new Error(`fromTypedArray: ${numbers.length} values for shape [${shape.join(', ')}] (${size} elements)`);
  return makeTensor(dtype as DType, shape, numbers);
}
