import type { DType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { slotAt } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';

/** A value the search may change: a graph input, or a weight that is plain data. */
export interface SearchLeaf {
  readonly name: string;
  readonly kind: 'input' | 'weight';
  readonly dtype: DType;
}

/**
 * The inputs and weights the search may change. Bool values are left out (they have no gradient;
 * restarts redraw bool inputs), and so are weights that are shapes, axes or indices: those were
 * chosen by the generator to make the model valid, and weights a rewrite pattern fixed.
 */
export function searchableLeaves(model: Model, registry: OpRegistry): SearchLeaf[] {
  const structural = new Set<string>();
  for (const node of model.nodes) {
    const spec = registry.get(node.op, model.opset);
    node.inputs.forEach((name, i) => {
      const slot = slotAt(spec, i);
      if (slot?.constantFrom !== undefined || slot?.valueRange !== undefined) structural.add(name);
    });
  }
  const leaves: SearchLeaf[] = [];
  for (const i of model.inputs) if (i.dtype !== 'bool') leaves.push({ name: i.name, kind: 'input', dtype: i.dtype });
  for (const w of model.weights) {
    if (w.value.dtype !== 'bool' && !structural.has(w.name) && w.fixed !== true) leaves.push({ name: w.name, kind: 'weight', dtype: w.value.dtype });
  }
  return leaves;
}
