import { DTYPES, type DType } from '../ir/dtype.js';
import { makeTensor, toNativeArray, type NativeArray, type Tensor } from '../ir/tensor.js';

/** The typed array a runtime holds a dtype's values in (int64: BigInt64Array, bool: Uint8Array, float16: its bits in a Uint16Array). */
export type { NativeArray } from '../ir/tensor.js';

/** A tensorsmith tensor's values as the typed array runtimes take for its dtype (onnxruntime, tfjs). */
export function toTypedArray(t: Tensor): NativeArray {
  return toNativeArray(t);
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
