import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';

export interface NonFinite {
  /** The node whose output first holds NaN or Inf (in topological order). */
  readonly node: string;
  readonly op: string;
  readonly value: string;
}

/**
 * The first node whose output, rounded to its dtype, holds NaN or Inf. A float32 value beyond
 * float32's range counts: a float32 SUT would see Inf there even though the float64 reference does not.
 */
export function firstNonFinite(model: Model, values: ReadonlyMap<string, Tensor>): NonFinite | undefined {
  for (const node of model.nodes) {
    for (const o of node.outputs) {
      const t = values.get(o.name);
      if (!t || (t.dtype !== 'float32' && t.dtype !== 'float64')) continue;
      const f32 = t.dtype === 'float32';
      for (const x of t.data) {
        if (!Number.isFinite(f32 ? Math.fround(x) : x)) return { node: node.name, op: node.op, value: o.name };
      }
    }
  }
  return undefined;
}
