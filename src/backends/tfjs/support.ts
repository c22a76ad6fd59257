import type { DType } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { typeVariable } from '../../opspec/context.js';
import { inferConcrete } from '../../opspec/infer.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import type { OpRegistry } from '../../opspec/registry.js';
import type { TfjsOp } from './ops/kernel.js';
import { ELEMENTWISE_OPS } from './ops/elementwise.js';
import { MISC_OPS } from './ops/misc.js';
import { NN_OPS } from './ops/nn.js';
import { SHAPE_OPS } from './ops/shape.js';

/** Every ONNX op the tfjs materializer maps; an op absent here is unsupported on tfjs. */
export const TFJS_OPS: Readonly<Record<string, TfjsOp>> = { ...ELEMENTWISE_OPS, ...NN_OPS, ...SHAPE_OPS, ...MISC_OPS };

/**
 * Ops whose int64 output holds indices or dims (small): tfjs computes them in int32 and the adapter
 * returns them as int64. Any other int64 output (Cast to int64, MaxPool's Indices) is unsupported.
 */
const INDEX_OUTPUTS = new Set(['ArgMax', 'ArgMin', 'Shape']);

let registry: OpRegistry | undefined;

function ops(): OpRegistry {
  registry ??= builtinRegistry();
  return registry;
}

/**
 * Whether the materializer maps the op for these input dtypes: the op's type variable T (not every
 * input: Gather's int64 indices are fed as int32) must be one the mapping lists. tfjs has no float64
 * and no int64 tensors.
 */
export function tfjsSupports(op: string, dtypes: readonly DType[]): boolean {
  const entry = TFJS_OPS[op];
  if (!entry) return false;
  const spec = ops().versions(op).at(-1);
  const t = spec ? typeVariable(spec, dtypes.map((dtype) => ({ dtype }))) : dtypes[0];
  if (t === undefined) return true;
  return entry.dtypes.includes(t);
}

/**
 * The first node of the model whose attributes (or outputs' dtypes) tfjs cannot express, with the
 * reason; undefined when the whole model maps.
 */
export function tfjsUnsupportedNode(model: Model): string | undefined {
  const types = new Map<string, { dtype: DType; shape: readonly number[] }>();
  const constants = new Map<string, Tensor>();
  for (const i of model.inputs) types.set(i.name, i);
  for (const w of model.weights) {
    types.set(w.name, w.value);
    constants.set(w.name, w.value);
  }
  for (const node of model.nodes) {
    const entry = TFJS_OPS[node.op];
    if (!entry) return `${node.op} is not mapped to tfjs`;
    const infos = node.inputs.map((n) => (n === '' ? undefined : { name: n, ...types.get(n)! }));
    for (const o of node.outputs) {
      if (o.dtype === 'float64' || (o.dtype === 'int64' && !INDEX_OUTPUTS.has(node.op))) return `${node.op} gives ${o.dtype} (tfjs has no ${o.dtype})`;
      types.set(o.name, o);
    }
    const { attrs } = inferConcrete(ops().get(node.op, model.opset), {
      inputs: infos,
      attrs: node.attrs,
      constants: node.inputs.map((n) => constants.get(n)),
      outputCount: node.outputs.length,
      opset: model.opset,
    });
    const why = entry.unsupported?.(attrs, infos, node);
    if (why) return `${node.op}: tfjs cannot express ${why}`;
  }
  return undefined;
}
