import { readFileSync, statSync } from 'node:fs';
import { dtypeFromOnnx } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';
import type { AttrValue, Model, Node, ValueInfo, Weight } from '../ir/model.js';
import { tensorElementsProblem } from '../ir/limits.js';
import type { Tensor } from '../ir/tensor.js';
import { inferConcrete, SpecViolation } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import { onnx, toNumber, type OnnxTypes } from './proto.js';
import { FIXED_WEIGHT_DOC, tensorFromProto } from './tensor-proto.js';
import { UnsupportedModelError } from './errors.js';
import { constantNodeValue } from './constant-node.js';
import { attributeValue } from './attribute-value.js';
import { constantDemand, foldNode, whyNotConstant, withFoldedWeights, type ConstantFolder } from './shape-folding.js';

export { UnsupportedModelError };

export function decodeOnnxModel(bytes: Uint8Array): OnnxTypes.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new UserError(`not an ONNX model: ${(e as Error).message}`);
  }
}

/** The graph's run-time inputs (those that are not initializers), in order. */
export function onnxInputNames(proto: OnnxTypes.ModelProto): string[] {
  const inits = new Set((proto.graph?.initializer ?? []).map((i) => i.name ?? ''));
  return (proto.graph?.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n));
}

export interface ImportOptions {
  /**
   * Values for graph inputs. An input that feeds a shape-typed slot (Reshape's shape, ReduceSum's
   * axes...) and has a value here becomes a weight, as tensorsmith models keep such inputs constant.
   */
  readonly inputValues?: ReadonlyMap<string, Tensor>;
  /**
   * Evaluates, at import, the nodes whose outputs must be constants (shape subgraphs such as
   * Shape -> Gather -> Concat -> Reshape's shape) when their inputs are constants or static shapes;
   * their values become fixed weights. Without it such a subgraph stays and its consumer cannot import.
   */
  readonly fold?: ConstantFolder;
}

/**
 * Reads and imports a model.onnx file: a folder, an unreadable file or a malformed model gives a
 * one-line UserError that starts with the file's path.
 */
export function readOnnxModelFile(file: string, registry: OpRegistry, options: ImportOptions = {}): Model {
  let bytes: Uint8Array;
  try {
    if (!statSync(file).isFile()) throw new UserError(`${file} is a folder (or not a regular file), not an ONNX model file`);
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return modelFromOnnx(bytes, registry, options);
  } catch (e) {
    if (e instanceof UserError && !e.message.startsWith(file)) {
      const wrapped = e instanceof UnsupportedModelError ? new UnsupportedModelError(`${file}: ${e.message}`) : new UserError(`${file}: ${e.message}`);
      throw wrapped;
    }
    throw e;
  }
}

/** Imports ONNX ModelProto bytes as a tensorsmith model (for the ops the registry supports). */
export function modelFromOnnx(bytes: Uint8Array | OnnxTypes.ModelProto, registry: OpRegistry, options: ImportOptions = {}): Model {
  const proto = bytes instanceof Uint8Array ? decodeOnnxModel(bytes) : bytes;
  const graph = proto.graph;
  if (!graph) throw new UserError('the ONNX model has no graph');
  const defaultOpset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = toNumber(defaultOpset?.version ?? 0);
  if (!defaultOpset) throw new UnsupportedModelError('the model imports no version of the default ONNX domain');

  const weights: Weight[] = [];
  const constants = new Map<string, Tensor>();
  for (const init of graph.initializer ?? []) {
    const t = tensorFromProto(init, `initializer '${init.name}'`);
    weights.push({ name: init.name ?? '', value: t, ...(init.docString === FIXED_WEIGHT_DOC ? { fixed: true } : {}) });
    constants.set(init.name ?? '', t);
  }
  const types = new Map<string, ValueInfo>();
  for (const w of weights) types.set(w.name, { name: w.name, dtype: w.value.dtype, shape: w.value.shape });
  const protoNodes = graph.node ?? [];
  // Graph inputs a shape-typed slot reads, directly or through a shape subgraph.
  const constantSlotInputs = constantDemand(protoNodes, registry, opset, false);
  const foldDemand = options.fold ? constantDemand(protoNodes, registry, opset, true) : new Set<string>();
  const inputs: ValueInfo[] = [];
  for (const vi of graph.input ?? []) {
    if (constants.has(vi.name ?? '')) continue;
    const given = options.inputValues?.get(vi.name ?? '');
    if (given && constantSlotInputs.has(vi.name ?? '')) {
      weights.push({ name: vi.name ?? '', value: given });
      constants.set(vi.name ?? '', given);
      types.set(vi.name ?? '', { name: vi.name ?? '', dtype: given.dtype, shape: given.shape });
      continue;
    }
    const info = valueInfoFromProto(vi);
    inputs.push(info);
    types.set(info.name, info);
  }

  const nodes: Node[] = [];
  const folded = new Set<string>();
  const foldedReads = new Set<string>();
  const producers = new Map<string, OnnxTypes.INodeProto>();
  for (const [index, np] of protoNodes.entries()) {
    const op = np.opType ?? '';
    const name = np.name || `node${index}`;
    for (const o of np.output ?? []) producers.set(o, np);
    if (np.domain && np.domain !== 'ai.onnx') throw new UnsupportedModelError(`op ${np.domain}.${op} is outside the default domain`);
    if (op === 'Constant') {
      const t = constantNodeValue(np, name);
      const out = np.output?.[0] ?? '';
      weights.push({ name: out, value: t });
      constants.set(out, t);
      types.set(out, { name: out, dtype: t.dtype, shape: t.shape });
      continue;
    }
    // A node with no spec here can only import folded away (Size of a shape, say), demanded or not.
    if (options.fold && ((np.output ?? []).some((o) => foldDemand.has(o)) || !registry.find(op, opset))) {
      const values = foldNode(np, name, opset, options.fold, constants, types);
      if (values) {
        (np.output ?? []).forEach((o, i) => {
          if (o === '') return;
          const t = values[i]!;
          constants.set(o, t);
          types.set(o, { name: o, dtype: t.dtype, shape: t.shape });
          folded.add(o);
        });
        for (const i of np.input ?? []) foldedReads.add(i);
        continue;
      }
    }
    const spec = registry.find(op, opset);
    if (!spec) {
      const known = registry.versions(op).map((s) => `${op}-${s.sinceVersion}`);
      throw new UnsupportedModelError(
        known.length === 0 ? `op ${op} is not supported` : `op ${op} at opset ${opset} is not supported (tensorsmith has ${known.join(', ')})`,
      );
    }
    const attrs: Record<string, AttrValue> = {};
    for (const a of np.attribute ?? []) attrs[a.name ?? ''] = attributeValue(a, `${op} attribute '${a.name}'`);
    const inputNames = np.input ?? [];
    const inputTypes = inputNames.map((n) => {
      if (n === '') return undefined;
      const t = types.get(n);
      if (!t) throw new UserError(`node '${name}' (${op}): input '${n}' is not defined before it`);
      return t;
    });
    let outs;
    try {
      outs = inferConcrete(spec, {
        inputs: inputTypes,
        attrs,
        constants: inputNames.map((n) => constants.get(n)),
        outputCount: (np.output ?? []).length,
        opset,
      }).outputs;
    } catch (e) {
      if (!(e instanceof SpecViolation)) throw e;
      const slot = /^input (\d+) \('[^']*'\) must be a constant/.exec(e.message);
      const why = slot ? whyNotConstant(inputNames[Number(slot[1])] ?? '', producers, constants, new Set(inputs.map((i) => i.name)), options.fold !== undefined) : undefined;
      throw new UnsupportedModelError(`node '${name}' (${op}): ${e.message}${why ? `; ${why}` : ''}`);
    }
    // An omitted optional output ('', as LSTM's Y beside a wanted Y_h) is still computed: it gets a name no one reads.
    const outputNames = (np.output ?? []).map((n, i) => (n === '' ? `${name}:omitted-output-${i}` : n));
    const outputs = outputNames.map((n, i) => ({ name: n, dtype: outs[i]!.dtype, shape: outs[i]!.shape }));
    for (const o of outputs) {
      const tooBig = tensorElementsProblem(o.shape);
      if (tooBig) throw new UserError(`node '${name}' (${op}): output '${o.name}' ${tooBig}`);
    }
    for (const o of outputs) types.set(o.name, o);
    nodes.push({ name, op, inputs: inputNames, outputs, attrs });
  }
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  for (const o of outputs) if (!types.has(o)) throw new UserError(`graph output '${o}' is not computed by the graph`);
  return { opset, inputs, weights: withFoldedWeights(weights, folded, foldedReads, constants, nodes, outputs), nodes, outputs };
}

function valueInfoFromProto(vi: OnnxTypes.IValueInfoProto): ValueInfo {
  const name = vi.name ?? '';
  const tt = vi.type?.tensorType;
  if (!tt) throw new UnsupportedModelError(`input '${name}' is not a tensor`);
  const dtype = dtypeFromOnnx(tt.elemType ?? 0);
  if (!dtype) throw new UnsupportedModelError(`input '${name}' has element type ${tt.elemType}, which is not supported`);
  const shape = (tt.shape?.dim ?? []).map((d) => {
    if (d.dimValue === null || d.dimValue === undefined || d.dimParam) {
      throw new UnsupportedModelError(`input '${name}' has a symbolic dim; tensorsmith models have concrete shapes`);
    }
    const v = toNumber(d.dimValue);
    if (!Number.isSafeInteger(v) || v < 0) throw new UserError(`input '${name}' has a dim of ${v}; dims must be non-negative integers`);
    return v;
  });
  const tooBig = tensorElementsProblem(shape);
  if (tooBig) throw new UserError(`input '${name}' ${tooBig}`);
  return { name, dtype, shape };
}
