import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import type { DType } from '../../ir/dtype.js';
import { castValues, type Tensor } from '../../ir/tensor.js';

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

/** An explicit kernel registry; a second kernel for the same op is a programming error. */
export class KernelRegistry {
  private readonly kernels = new Map<string, Kernel>();

  /** Takes groups of kernels (one per family file); an op in two groups throws. */
  constructor(groups: readonly Readonly<Record<string, Kernel>>[] = []) {
    for (const group of groups) for (const [op, k] of Object.entries(group)) this.register(op, k);
  }

  register(op: string, kernel: Kernel): void {
    if (this.kernels.has(op)) throw new Error(`a CPU kernel for '${op}' is registered twice`);
    this.kernels.set(op, kernel);
  }

  find(op: string): Kernel | undefined {
    return this.kernels.get(op);
  }

  ops(): string[] {
    return [...this.kernels.keys()].sort();
  }
}
