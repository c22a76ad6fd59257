import { readFileSync, statSync } from 'node:fs';
import { dtypeFromOnnx, onnxDataType } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';
import type { AttrValue, Model, Node, ValueInfo, Weight } from '../ir/model.js';
import { tensorElementsProblem } from '../ir/limits.js';
import type { Tensor } from '../ir/tensor.js';
import { inferConcrete, SpecViolation } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import { onnx, toNumber, type OnnxTypes } from './proto.js';
import { FIXED_WEIGHT_DOC, tensorFromProto } from './tensor-proto.js';
import { UnsupportedModelError } from './errors.js';

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
  const constantSlotInputs = new Set<string>();
  for (const np of graph.node ?? []) {
    const spec = registry.find(np.opType ?? '', opset);
    (np.input ?? []).forEach((n, i) => {
      if (spec?.inputs[i]?.constantFrom) constantSlotInputs.add(n);
    });
  }
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
  for (const [index, np] of (graph.node ?? []).entries()) {
    const op = np.opType ?? '';
    const name = np.name || `node${index}`;
    if (np.domain && np.domain !== 'ai.onnx') throw new UnsupportedModelError(`op ${np.domain}.${op} is outside the default domain`);
    if (op === 'Constant') {
      const t = constantValue(np);
      const out = np.output?.[0] ?? '';
      weights.push({ name: out, value: t });
      constants.set(out, t);
      types.set(out, { name: out, dtype: t.dtype, shape: t.shape });
      continue;
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
      if (e instanceof SpecViolation) throw new UnsupportedModelError(`node '${name}' (${op}): ${e.message}`);
      throw e;
    }
    const outputNames = np.output ?? [];
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
  return { opset, inputs, weights, nodes, outputs };
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

function constantValue(np: OnnxTypes.INodeProto): Tensor {
  const a = (np.attribute ?? [])[0];
  if (!a || a.name !== 'value' || !a.t) throw new UnsupportedModelError(`Constant with attribute '${a?.name}'`);
  return tensorFromProto(a.t, `Constant '${np.output?.[0]}'`);
}

function attributeValue(a: OnnxTypes.IAttributeProto, where: string): AttrValue {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return toNumber(a.i);
    case T.FLOAT:
      return a.f ?? 0;
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.INTS:
      return (a.ints ?? []).map((x) => toNumber(x));
    case T.FLOATS:
      return [...(a.floats ?? [])];
    case T.TENSOR: {
      // A one-element tensor (ConstantOfShape's value) is held as [ONNX data type code, value].
      const t = tensorFromProto(a.t ?? {}, where);
      if (t.data.length !== 1) throw new UnsupportedModelError(`${where} is a tensor of ${t.data.length} elements; only one-element tensor attributes are supported`);
      return [onnxDataType(t.dtype), t.data[0]!];
    }
    default:
      throw new UnsupportedModelError(`${where} has attribute type ${a.type}, which is not supported`);
  }
}
