import type { DType } from '../../ir/dtype.js';

/** The dtypes WGSL holds: no 64-bit types, so int64 and float64 stay on the CPU kernels. */
export type GpuDType = 'float32' | 'int32' | 'bool';

export function isGpuDType(d: DType): d is GpuDType {
  return d === 'float32' || d === 'int32' || d === 'bool';
}

/** The WGSL element type a tensor of a dtype is stored as (bools as u32 0/1: storage has no bool). */
export function wgslType(d: GpuDType): 'f32' | 'i32' | 'u32' {
  return d === 'float32' ? 'f32' : d === 'int32' ? 'i32' : 'u32';
}

/** Workgroup size of every elementwise-style program. */
export const WORKGROUP_SIZE = 64;

/** Max workgroups per dispatch dimension; larger dispatches wrap into y. */
export const MAX_GROUPS_PER_DIM = 65535;

/**
 * Index arithmetic for one tensor in generated WGSL, so that kernels never write strides by hand.
 * Shapes are baked into the shader as constants (the program's cache key holds them).
 */
export class TensorIndexer {
  readonly rank: number;
  readonly size: number;
  readonly strides: readonly number[];

  constructor(
    readonly name: string,
    readonly shape: readonly number[],
  ) {
    this.rank = shape.length;
    this.size = shape.reduce((a, b) => a * b, 1);
    const strides = new Array<number>(shape.length).fill(1);
    for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
    this.strides = strides;
  }

  /** WGSL declaring `fn <name>_coords(offset: u32) -> array<u32, R>`: the multi-index of a flat offset. */
  coordsFn(): string {
    const r = Math.max(this.rank, 1);
    const lines = [`fn ${this.name}_coords(offset: u32) -> array<u32, ${r}> {`, `  var c: array<u32, ${r}>;`, '  var rest = offset;'];
    for (let d = 0; d < this.rank; d++) {
      // A tensor with a zero dim has no elements (nothing calls this), but WGSL rejects a constant division by 0.
      const stride = Math.max(1, this.strides[d]!);
      lines.push(`  c[${d}] = rest / ${stride}u;`, `  rest = rest % ${stride}u;`);
    }
    if (this.rank === 0) lines.push('  c[0] = 0u;');
    lines.push('  return c;', '}');
    return lines.join('\n');
  }

  /** A WGSL expression: the flat offset of coordinates given as one expression per dim. */
  offset(coords: readonly string[]): string {
    if (this.rank === 0) return '0u';
    return coords.map((c, d) => (this.strides[d] === 1 ? `(${c})` : `(${c}) * ${this.strides[d]}u`)).join(' + ');
  }

  /**
   * A WGSL expression: the offset in this tensor of the element that numpy broadcasting reads for the
   * output coordinates `out` (an array<u32, R> variable) of an output of rank `outRank`.
   */
  broadcastOffset(out: string, outRank: number): string {
    if (this.rank === 0) return '0u';
    const terms: string[] = [];
    for (let d = 0; d < this.rank; d++) {
      if (this.shape[d] === 1) continue;
      terms.push(`${out}[${outRank - this.rank + d}] * ${this.strides[d]}u`);
    }
    return terms.length > 0 ? terms.join(' + ') : '0u';
  }
}
