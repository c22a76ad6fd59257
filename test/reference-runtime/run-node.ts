import type { Attrs, Model } from '../../src/ir/model.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { inferConcrete } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();

export interface NodeOutput {
  readonly shape: readonly number[];
  readonly data: number[];
}

/** Runs one node on the reference (its inputs fed as graph inputs, output types inferred by its spec). */
export function runNode(op: string, inputs: readonly (Tensor | undefined)[], attrs: Attrs = {}, outputCount = 1, opset = 17): NodeOutput[] {
  const types = inferConcrete(registry.get(op, opset), { inputs, attrs, constants: [], outputCount, opset }).outputs;
  const model: Model = {
    opset,
    inputs: inputs.flatMap((t, i) => (t ? [{ name: `x${i}`, dtype: t.dtype, shape: t.shape }] : [])),
    weights: [],
    nodes: [{ name: 'n', op, inputs: inputs.map((t, i) => (t ? `x${i}` : '')), outputs: types.map((t, i) => ({ name: `y${i}`, ...t })), attrs }],
    outputs: types.map((_, i) => `y${i}`),
  };
  const feeds = new Map(inputs.flatMap((t, i) => (t ? [[`x${i}`, t] as const] : [])));
  const outs = runReference(model, feeds).outputs;
  return types.map((_, i) => {
    const t = outs.get(`y${i}`)!;
    return { shape: t.shape, data: Array.from(t.data) };
  });
}
