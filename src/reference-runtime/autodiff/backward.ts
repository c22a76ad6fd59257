import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { ReferenceResult } from '../executor.js';
import type { GradientRegistry } from './gradient.js';

export interface BackwardArgs {
  readonly model: Model;
  /** The forward run whose values the gradients are taken at. */
  readonly run: ReferenceResult;
  /** The gradient of the loss with respect to some values (by name), each as long as the value's data. */
  readonly seeds: ReadonlyMap<string, Float64Array>;
  readonly gradients: GradientRegistry;
  /** Use the ops' leaky rules where they have one (the input search does; the property test does not). */
  readonly leaky?: boolean;
}

function accumulate(into: Map<string, Float64Array>, name: string, g: Float64Array): void {
  const had = into.get(name);
  if (!had) {
    into.set(name, g.slice());
    return;
  }
  for (let i = 0; i < g.length; i++) had[i]! += g[i]!;
}

/**
 * Reverse-mode differentiation over a reference run: the gradient of the loss with respect to every
 * value the seeds depend on, graph inputs and weights included. Bool values carry the proxy
 * gradients of the comparisons that made them; the search does not change bool leaves.
 */
export function backward({ model, run, seeds, gradients, leaky = false }: BackwardArgs): Map<string, Float64Array> {
  const grads = new Map<string, Float64Array>();
  for (const [name, g] of seeds) accumulate(grads, name, g);
  for (let k = model.nodes.length - 1; k >= 0; k--) {
    const node = model.nodes[k]!;
    const dy = node.outputs.map((o) => grads.get(o.name));
    if (dy.every((g) => g === undefined)) continue;
    const gradient = gradients.find(node.op);
    if (!gradient) throw new Error(`autodiff has no gradient for '${node.op}'`);
    const step = run.steps[k]!;
    const inputs = node.inputs.map((n) => (n === '' ? undefined : run.values.get(n)));
    const outputs = node.outputs.map((o) => run.values.get(o.name)!);
    const rule = (leaky ? gradient.leakyRule : undefined) ?? gradient.rule;
    const dx = rule({ inputs, attrs: step.attrs, outputs, outputTypes: step.outputs, dy });
    node.inputs.forEach((name, i) => {
      const g = dx[i];
      const x: Tensor | undefined = inputs[i];
      if (!g || !x) return;
      if (g.length !== x.data.length) throw new Error(`the gradient of '${node.op}' for input ${i} has ${g.length} elements, the input ${x.data.length}`);
      accumulate(grads, name, g);
    });
  }
  return grads;
}
