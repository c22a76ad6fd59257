import type { DType } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import { typeVariable } from '../../opspec/context.js';
import { resolveNodes } from './resolve.js';
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
  for (const node of model.nodes) if (!TFJS_OPS[node.op]) return `${node.op} is not mapped to tfjs`;
  for (const { node, infos, attrs } of resolveNodes(model, ops())) {
    const entry = TFJS_OPS[node.op]!;
    for (const o of node.outputs) {
      const held = o.dtype === 'float32' || o.dtype === 'int32' || o.dtype === 'bool' || (o.dtype === 'int64' && INDEX_OUTPUTS.has(node.op));
      if (!held) return `${node.op} gives ${o.dtype} (tfjs has no ${o.dtype})`;
    }
    const why = entry.unsupported?.(attrs, infos, node);
    if (why) return `${node.op}: tfjs cannot express ${why}`;
  }
  return undefined;
}

/**
 * ONNX ops that tensorsmith's tfjs lowering computes with another op's tfjs kernel on their data:
 * Trilu is tf.where(mask, x, zeros), a Where of its own. A bug of that kernel reached through
 * either op is one bug.
 */
const LOWERED_ONTO: Readonly<Record<string, string>> = { Trilu: 'Where' };

/** The ONNX op whose tfjs kernel computes an op's data (see LOWERED_ONTO). */
export function tfjsKernelOf(op: string): string {
  return LOWERED_ONTO[op] ?? op;
}
