import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

export const MODEL_FORMAT = 'tensorsmith.model/1';

/** The ONNX opset tensorsmith models are written for. */
export const DEFAULT_OPSET = 17;

/** A concrete attribute value; its ONNX kind (int, float, string, ints, floats, strings) comes from the op spec. */
export type AttrValue = number | string | readonly number[] | readonly string[];
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface Node {
  readonly name: string;
  readonly op: string;
  /** Value names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly ValueInfo[];
  readonly attrs: Attrs;
}

export interface Weight {
  readonly name: string;
  readonly value: Tensor;
  /**
   * Values a rewrite pattern needs exactly (Gelu's sqrt(2), LayerNorm's epsilon): the input search
   * keeps them, since moving them would unmake the pattern the test was built to reach.
   */
  readonly fixed?: boolean;
}

/**
 * A model: a DAG of nodes over typed values. Inputs are fed at run time; weights are initializers
 * (their values are part of the model). Nodes are kept in topological order.
 */
export interface Model {
  readonly opset: number;
  readonly inputs: readonly ValueInfo[];
  readonly weights: readonly Weight[];
  readonly nodes: readonly Node[];
  readonly outputs: readonly string[];
}

/** The type of every named value of the model. */
export function valueTypes(model: Model): Map<string, ValueInfo> {
  const types = new Map<string, ValueInfo>();
  for (const i of model.inputs) types.set(i.name, i);
  for (const w of model.weights) types.set(w.name, { name: w.name, dtype: w.value.dtype, shape: w.value.shape });
  for (const n of model.nodes) for (const o of n.outputs) types.set(o.name, o);
  return types;
}

export function outputInfos(model: Model): ValueInfo[] {
  const types = valueTypes(model);
  return model.outputs.map((name) => {
    const t = types.get(name);
    if (!t) throw new Error(`model output '${name}' is not produced by any node, input or weight`);
    return t;
  });
}

/** Named tensors, fed to or returned by a run. */
export type TensorMap = ReadonlyMap<string, Tensor>;

/**
 * The nodes the named values depend on (their producers and everything upstream), in model order,
 * and every value they read, the named ones included.
 */
export function coneOf(model: Model, names: Iterable<string>): { readonly nodes: Node[]; readonly needed: ReadonlySet<string> } {
  const needed = new Set(names);
  const nodes: Node[] = [];
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const node = model.nodes[i]!;
    if (!node.outputs.some((o) => needed.has(o.name))) continue;
    nodes.push(node);
    for (const x of node.inputs) if (x !== '') needed.add(x);
  }
  return { nodes: nodes.reverse(), needed };
}
