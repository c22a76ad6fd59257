import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import type { DType } from '../../ir/dtype.js';
import { castValues, type Tensor } from '../../ir/tensor.js';
import { OpTable } from '../op-table.js';

export interface KernelArgs {
  /** One entry per input position; undefined for an omitted optional input. */
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs: ConcreteAttrs;
  /** Output types as the op's spec infers them: kernels never compute shapes a second time. */
  readonly outputs: readonly ConcreteType[];
}

export type Kernel = (args: KernelArgs) => Tensor[];

/**
 * Wraps computed values as a tensor. Floats stay float64 (the reference is more precise than a
 * float32 SUT); integers wrap as their dtype does; bools become 0/1.
 */
export function result(type: ConcreteType, data: Float64Array): Tensor {
  if (type.dtype !== 'float32' && type.dtype !== 'float64') castValues(type.dtype, data);
  return { dtype: type.dtype, shape: type.shape, data };
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

/** An explicit registry of CPU kernels, one per op, built from family groups; a second one for an op throws. */
export class KernelRegistry extends OpTable<Kernel> {
  constructor(groups: readonly Readonly<Record<string, Kernel>>[] = []) {
    super('a CPU kernel', groups);
  }
}
