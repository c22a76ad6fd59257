import type { OpRegistry } from './registry.js';
import { inferNode, SpecViolation, type ConcreteType } from './infer.js';
import { ModelValidationError } from '../ir/errors.js';
import type { Model, ValueInfo } from '../ir/model.js';
import { sizeOf, type Tensor } from '../ir/tensor.js';

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * Checks every rule of the IR: unique names, nodes in topological order over defined values, known
 * ops whose spec accepts the node, declared output types equal to what the spec infers, and graph
 * outputs that exist. Throws a ModelValidationError naming the node (or value) and the rule.
 */
export function validateModel(model: Model, registry: OpRegistry): void {
  const defined = new Map<string, ValueInfo>();
  const constants = new Map<string, Tensor>();
  const define = (v: ValueInfo, where: string) => {
    if (v.name === '') throw new ModelValidationError(where, 'value names must not be empty');
    if (defined.has(v.name)) throw new ModelValidationError(where, `value name '${v.name}' is defined twice`);
    if (v.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ModelValidationError(where, `'${v.name}' has an invalid shape ${shapeText(v.shape)}`);
    }
    defined.set(v.name, v);
  };
  for (const i of model.inputs) define(i, `input '${i.name}'`);
  for (const w of model.weights) {
    const info = { name: w.name, dtype: w.value.dtype, shape: w.value.shape };
    define(info, `weight '${w.name}'`);
    if (w.value.data.length !== sizeOf(w.value.shape)) {
      throw new ModelValidationError(`weight '${w.name}'`, `holds ${w.value.data.length} values for shape ${shapeText(w.value.shape)}`);
    }
    constants.set(w.name, w.value);
  }
  const nodeNames = new Set<string>();
  for (const node of model.nodes) {
    const where = `node '${node.name}' (${node.op})`;
    if (nodeNames.has(node.name)) throw new ModelValidationError(where, 'node names must be unique');
    nodeNames.add(node.name);
    const spec = registry.find(node.op, model.opset);
    if (!spec) {
      throw new ModelValidationError(
        where,
        registry.has(node.op)
          ? `op '${node.op}' has no spec for opset ${model.opset} (see 'tensorsmith ops')`
          : `unknown op '${node.op}' (see 'tensorsmith ops' for the supported ones)`,
      );
    }
    const inputTypes: (ConcreteType | undefined)[] = node.inputs.map((name, i) => {
      if (name === '') return undefined;
      const t = defined.get(name);
      if (!t) throw new ModelValidationError(where, `input ${i} '${name}' is not defined before the node (nodes must be in topological order)`);
      return t;
    });
    let inferred: ConcreteType[];
    try {
      inferred = inferNode(spec, node, inputTypes, constants, model.opset).outputs;
    } catch (e) {
      if (e instanceof SpecViolation) throw new ModelValidationError(where, e.message);
      throw e;
    }
    if (inferred.length !== node.outputs.length) {
      throw new ModelValidationError(where, `declares ${node.outputs.length} outputs, the op has ${inferred.length}`);
    }
    node.outputs.forEach((o, i) => {
      const t = inferred[i]!;
      if (o.dtype !== t.dtype || o.shape.length !== t.shape.length || o.shape.some((d, j) => d !== t.shape[j])) {
        throw new ModelValidationError(
          where,
          `output '${o.name}' is declared ${o.dtype}${shapeText(o.shape)} but the op gives ${t.dtype}${shapeText(t.shape)}`,
        );
      }
      define(o, where);
    });
  }
  if (model.outputs.length === 0) throw new ModelValidationError('model', 'has no outputs');
  for (const name of model.outputs) {
    if (!defined.has(name)) throw new ModelValidationError(`output '${name}'`, 'is not defined by any input, weight or node');
  }
}
