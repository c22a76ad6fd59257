import type { Model, Node } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { inferNode, SpecViolation, slotAt } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';

/**
 * The model with every node's output types derived again, in order, from its inputs and
 * attributes through the op specs (after a graph input, weight or attribute changed); undefined
 * when some node no longer satisfies its spec.
 */
export function reinferTypes(model: Model, registry: OpRegistry): Model | undefined {
  const types = new Map<string, { dtype: Tensor['dtype']; shape: readonly number[] }>();
  const constants = new Map<string, Tensor>();
  for (const i of model.inputs) types.set(i.name, i);
  for (const w of model.weights) {
    types.set(w.name, w.value);
    constants.set(w.name, w.value);
  }
  const nodes: Node[] = [];
  for (const node of model.nodes) {
    const spec = registry.find(node.op, model.opset);
    if (!spec) return undefined;
    let outputs;
    try {
      outputs = inferNode(spec, node, node.inputs.map((n) => (n === '' ? undefined : types.get(n))), constants, model.opset).outputs;
    } catch (e) {
      if (e instanceof SpecViolation) return undefined;
      throw e;
    }
    const infos = node.outputs.map((o, i) => ({ name: o.name, dtype: outputs[i]!.dtype, shape: outputs[i]!.shape }));
    for (const info of infos) types.set(info.name, info);
    nodes.push({ ...node, outputs: infos });
  }
  return { ...model, nodes };
}

/**
 * The graph inputs and weights that hold data: every input, and the weights no node reads as a
 * shape-typed constant (Reshape's shape, ReduceSum's axes) or as in-range indices (Gather's). Only
 * these may be resized or given other values.
 */
export function dataTensorNames(model: Model, registry: OpRegistry): string[] {
  const fixed = new Set<string>();
  for (const node of model.nodes) {
    const spec = registry.find(node.op, model.opset);
    if (!spec) continue;
    node.inputs.forEach((name, i) => {
      const slot = slotAt(spec, i);
      if (slot && (slot.constantFrom !== undefined || slot.valueRange !== undefined)) fixed.add(name);
    });
  }
  return [...model.inputs.map((i) => i.name), ...model.weights.map((w) => w.name).filter((n) => !fixed.has(n))];
}
