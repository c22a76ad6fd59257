import { isFloatDType, isUnsignedDType, type DType } from '../ir/dtype.js';
import type { Model, ValueInfo } from '../ir/model.js';
import { makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import type { Rng } from './rng.js';

/** Random values of a dtype: floats uniform in [-range, range], ints in [-2 range, 2 range] (unsigned: [0, 2 range]), bools fair. */
export function randomTensor(rng: Rng, dtype: DType, shape: readonly number[], range = 2): Tensor {
  const n = sizeOf(shape);
  const data = new Float64Array(n);
  const intLimit = Math.ceil(range * 2);
  for (let i = 0; i < n; i++) {
    if (dtype === 'bool') data[i] = rng.bool() ? 1 : 0;
    else if (isFloatDType(dtype)) data[i] = rng.uniform(-range, range);
    else data[i] = rng.int(isUnsignedDType(dtype) ? 0 : -intLimit, intLimit);
  }
  return makeTensor(dtype, shape, data);
}

/** Random values for every input of a model, in the model's input order. */
export function randomInputs(model: Model, rng: Rng): Map<string, Tensor> {
  return new Map(model.inputs.map((i: ValueInfo) => [i.name, randomTensor(rng, i.dtype, i.shape)]));
}
