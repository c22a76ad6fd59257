import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import { INTEGER_RANGES, isFloatDType, type DType } from '../../ir/dtype.js';
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
 * An integer result its dtype cannot hold: outside its range, NaN or infinite (an integer division
 * by zero, a float cast out of range). C++ runtimes leave it undefined, so no oracle can trust it.
 */
export interface IntegerFault {
  /** The flat index of the first such element. */
  readonly index: number;
  /** Its value before wrapping, as the computation gave it. */
  readonly value: number;
}

/** The first element of `values` (truncated toward zero, as the wrap does) that the dtype cannot hold. */
export function firstIntegerFault(dtype: DType, values: Float64Array): IntegerFault | undefined {
  const limits = INTEGER_RANGES[dtype];
  if (!limits) return undefined;
  const [lo, hi] = limits;
  for (let i = 0; i < values.length; i++) {
    const x = Math.trunc(values[i]!);
    if (!(x >= lo && x <= hi)) return { index: i, value: values[i]! };
  }
  return undefined;
}

/**
 * The faults result() found, beside the tensors it made. A kernel returns plain tensors (the same
 * ones the executor stores and SUT inputs are made of), so the fault travels out of band.
 */
const integerFaults = new WeakMap<Tensor, IntegerFault>();

/** The integer fault result() found while making this tensor, if any. */
export function integerFaultOf(t: Tensor): IntegerFault | undefined {
  return integerFaults.get(t);
}

/**
 * Wraps computed values as a tensor. Floats stay float64 (the reference is more precise than a
 * float32 SUT); integers wrap as their dtype does, after the values are checked for what the dtype
 * cannot hold (see integerFaultOf); bools become 0/1. `unwrapped` gives the values to check when
 * `data` already holds them wrapped exactly (Math.imul, BigInt products).
 */
export function result(type: ConcreteType, data: Float64Array, unwrapped: Float64Array = data): Tensor {
  const fault = firstIntegerFault(type.dtype, unwrapped);
  if (!isFloatDType(type.dtype)) castValues(type.dtype, data);
  const t: Tensor = { dtype: type.dtype, shape: type.shape, data };
  if (fault) integerFaults.set(t, fault);
  return t;
}

export function isFloat(d: DType): boolean {
  return isFloatDType(d);
}

/** An explicit registry of CPU kernels, one per op, built from family groups; a second one for an op throws. */
export class KernelRegistry extends OpTable<Kernel> {
  constructor(groups: readonly Readonly<Record<string, Kernel>>[] = []) {
    super('a CPU kernel', groups);
  }
}
