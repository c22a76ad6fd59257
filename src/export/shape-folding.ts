import { UserError } from '../ir/errors.js';
import type { Attrs, AttrValue, Node, ValueInfo, Weight } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { slotAt, SpecViolation, type ConcreteType } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import { attributeValue } from './attribute-value.js';
import { UnsupportedModelError } from './errors.js';
import { onnx, type OnnxTypes } from './proto.js';
import { tensorFromProto } from './tensor-proto.js';

/**
 * Ops whose outputs depend only on their input's shape, never its values: with tensorsmith's static
 * shapes they are constants even when their input is computed at run time.
 */
export const SHAPE_READERS: ReadonlySet<string> = new Set(['Shape', 'Size']);

/** One node the importer asks to evaluate at import because its inputs are known. */
export interface FoldRequest {
  /** The node's name, for errors. */
  readonly node: string;
  readonly op: string;
  readonly opset: number;
  /**
   * Per input position: its constant value; undefined for an omitted input, and for the input of a
   * shape reader (Shape, Size) that is computed at run time (its type says all the op reads).
   */
  readonly values: readonly (Tensor | undefined)[];
  readonly types: readonly (ConcreteType | undefined)[];
  readonly attrs: Attrs;
  /** Tensor-valued attributes (ConstantOfShape's value), which tensorsmith's ops do not have. */
  readonly tensorAttrs: ReadonlyMap<string, Tensor>;
  readonly outputCount: number;
}

/**
 * Computes a node's outputs at import (the reference runtime provides one, with its CPU kernels; the
 * import layer sits below it and cannot run kernels itself). Gives undefined for an op it cannot
 * evaluate; throws SpecViolation when the node breaks its op's spec.
 */
export type ConstantFolder = (request: FoldRequest) => Tensor[] | undefined;

/**
 * The values that must be constants for the graph to import: the inputs of shape-typed slots
 * (Reshape's shape, Resize's sizes...; with `throughUnsupported`, also every input of an op the
 * registry has no spec for at this opset, which can import only folded away), and, going upstream,
 * every input of a node that computes one of them (except the shape readers', whose values are not read).
 */
export function constantDemand(
  nodes: readonly OnnxTypes.INodeProto[],
  registry: OpRegistry,
  opset: number,
  throughUnsupported: boolean,
): Set<string> {
  const demand = new Set<string>();
  for (const np of nodes) {
    const op = np.opType ?? '';
    if (op === 'Constant') continue;
    const spec = isDefaultDomain(np) ? registry.find(op, opset) : undefined;
    (np.input ?? []).forEach((name, i) => {
      if (name === '') return;
      if (spec ? slotAt(spec, i)?.constantFrom : throughUnsupported) demand.add(name);
    });
  }
  for (let k = nodes.length - 1; k >= 0; k--) {
    const np = nodes[k]!;
    if (SHAPE_READERS.has(np.opType ?? '') || !(np.output ?? []).some((o) => demand.has(o))) continue;
    for (const name of np.input ?? []) if (name !== '') demand.add(name);
  }
  return demand;
}

function isDefaultDomain(np: OnnxTypes.INodeProto): boolean {
  return !np.domain || np.domain === 'ai.onnx';
}

/**
 * Why a value that had to be a constant is not one, as a clause to append to the error: the run-time
 * input whose values it depends on, or the first node computing it from constants that the import
 * could not evaluate. Undefined when no reason is found (the caller's message stands alone).
 */
export function whyNotConstant(
  value: string,
  producers: ReadonlyMap<string, OnnxTypes.INodeProto>,
  constants: ReadonlyMap<string, Tensor>,
  runTimeInputs: ReadonlySet<string>,
  folding: boolean,
): string | undefined {
  const seen = new Set<string>();
  const visit = (name: string, reader: OnnxTypes.INodeProto | undefined): string | undefined => {
    if (name === '' || seen.has(name) || constants.has(name)) return undefined;
    seen.add(name);
    if (runTimeInputs.has(name)) {
      const via = reader ? ` (read by node '${reader.name || reader.opType}' (${reader.opType}))` : '';
      return `it depends on the values of input '${name}'${via}, known only at run time: tensorsmith models need shapes fixed at import, so give that input a fixed value (an initializer) or export the model without data-dependent shapes`;
    }
    const np = producers.get(name);
    if (!np) return undefined;
    const inputs = SHAPE_READERS.has(np.opType ?? '') ? [] : (np.input ?? []);
    for (const input of inputs) {
      const why = visit(input, np);
      if (why) return why;
    }
    const who = `node '${np.name || np.opType}' (${np.opType})`;
    return folding
      ? `it is computed from constants by ${who}, which the import cannot evaluate: fold it before import (onnx-simplifier, onnxruntime's offline optimization)`
      : `it is computed from constants by ${who}: import with a constant folder (ImportOptions.fold, e.g. the reference runtime's cpuConstantFolder) to fold it`;
  };
  return visit(value, undefined);
}

/**
 * Evaluates a node whose outputs must be constants, if its inputs are known (constants, or the
 * static shape a shape reader reads): its output values, or undefined to import it as a node.
 */
export function foldNode(
  np: OnnxTypes.INodeProto,
  name: string,
  opset: number,
  fold: ConstantFolder,
  constants: ReadonlyMap<string, Tensor>,
  types: ReadonlyMap<string, ValueInfo>,
): Tensor[] | undefined {
  const op = np.opType ?? '';
  const inputNames = np.input ?? [];
  const known = inputNames.every((n, i) => n === '' || constants.has(n) || (SHAPE_READERS.has(op) && i === 0 && types.has(n)));
  if (!known) return undefined;
  const attrs: Record<string, AttrValue> = {};
  const tensorAttrs = new Map<string, Tensor>();
  for (const a of np.attribute ?? []) {
    // A tensor attribute of one element (ConstantOfShape's `value`) is an attribute like the others; a
    // larger one only folded nodes may have.
    if (a.type === onnx.AttributeProto.AttributeType.TENSOR && a.t && (a.t.dims ?? []).reduce((n: number, d) => n * Number(d), 1) !== 1) tensorAttrs.set(a.name ?? '', tensorFromProto(a.t, `node '${name}' (${op}) attribute '${a.name}'`));
    else attrs[a.name ?? ''] = attributeValue(a, `${op} attribute '${a.name}'`);
  }
  let values;
  try {
    values = fold({
      node: name,
      op,
      opset,
      values: inputNames.map((n) => (n === '' ? undefined : constants.get(n))),
      types: inputNames.map((n) => (n === '' ? undefined : types.get(n))),
      attrs,
      tensorAttrs,
      outputCount: (np.output ?? []).length,
    });
  } catch (e) {
    if (e instanceof SpecViolation) throw new UnsupportedModelError(`node '${name}' (${op}): ${e.message}`);
    if (e instanceof UserError) throw e;
    throw new UserError(`node '${name}' (${op}): evaluating it at import failed: ${(e as Error).message}`);
  }
  if (values && values.length !== (np.output ?? []).length) {
    throw new Error(`the constant folder gave ${values.length} outputs for node '${name}' (${op}), which declares ${(np.output ?? []).length}`);
  }
  return values;
}

/**
 * The model's weights once shape subgraphs are folded: a folded value that a remaining node reads,
 * or a graph output, becomes a fixed weight (the model computed it exactly; input search keeps it);
 * a Constant's value that only folded nodes read goes, as the nodes did.
 */
export function withFoldedWeights(
  weights: readonly Weight[],
  folded: ReadonlySet<string>,
  foldedReads: ReadonlySet<string>,
  constants: ReadonlyMap<string, Tensor>,
  nodes: readonly Node[],
  outputs: readonly string[],
): Weight[] {
  if (folded.size === 0) return [...weights];
  const read = new Set<string>(outputs);
  for (const n of nodes) for (const i of n.inputs) read.add(i);
  const kept = weights.filter((w) => read.has(w.name) || !foldedReads.has(w.name));
  return [...kept, ...[...folded].filter((v) => read.has(v)).map((v) => ({ name: v, value: constants.get(v)!, fixed: true }))];
}
