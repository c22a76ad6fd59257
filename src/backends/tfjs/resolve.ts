import { valueTypes, type Model, type Node, type ValueInfo } from '../../ir/model.js';
import { inferNode, type ConcreteAttrs } from '../../opspec/infer.js';
import type { OpRegistry } from '../../opspec/registry.js';

export interface ResolvedNode {
  readonly node: Node;
  /** The type of each input position; undefined for an omitted optional input. */
  readonly infos: readonly (ValueInfo | undefined)[];
  /** Attributes with defaults applied and shape-typed constant inputs bound, as the executor reads them. */
  readonly attrs: ConcreteAttrs;
}

/** Every node of the model with its input types and resolved attributes. */
export function resolveNodes(model: Model, registry: OpRegistry): ResolvedNode[] {
  const types = valueTypes(model);
  const constants = new Map(model.weights.map((w) => [w.name, w.value]));
  return model.nodes.map((node) => {
    const infos = node.inputs.map((n) => (n === '' ? undefined : types.get(n)));
    const { attrs } = inferNode(registry.get(node.op, model.opset), node, infos, constants, model.opset);
    return { node, infos, attrs };
  });
}
