import type { Node } from '../../ir/model.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import type { OpRegistry } from '../../opspec/registry.js';
import type { InputSlot } from '../../opspec/spec.js';

let builtin: OpRegistry | undefined;

/** The bundled op specs, built once: a report names the slots of every bug's nodes from them. */
export function reportRegistry(): OpRegistry {
  builtin ??= builtinRegistry();
  return builtin;
}

/**
 * The spec's name of the slot input `index` feeds. The repeats of a variadic last slot (Concat's
 * inputs, Sum's data_0) are numbered from 0, so that each value keeps its own name.
 */
function slotName(slots: readonly InputSlot[], index: number): string | undefined {
  const last = slots[slots.length - 1];
  if (index < slots.length - 1 || (index === slots.length - 1 && !last?.variadic)) return slots[index]!.name;
  return last?.variadic ? `${last.name}[${index - (slots.length - 1)}]` : undefined;
}

/**
 * The name of the slot each of the node's inputs feeds (Clip: input, min, max), from the op's
 * spec at the model's opset; undefined when tensorsmith has no spec of the op, or the node has
 * more inputs than the spec has slots (a hand-edited model.json): positions are then all a report
 * can show.
 */
export function inputSlotNames(node: Pick<Node, 'op' | 'inputs'>, opset: number, registry: OpRegistry = reportRegistry()): string[] | undefined {
  const spec = registry.find(node.op, opset);
  if (!spec) return undefined;
  const names = node.inputs.map((_, i) => slotName(spec.inputs, i));
  return names.every((n) => n !== undefined) ? names : undefined;
}
