import type { DType } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';
import { maxTensorElements, tensorElementsProblem } from '../ir/limits.js';
import type { Model, Node, TensorMap } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { inferNode, type ConcreteAttrs, type ConcreteType } from '../opspec/infer.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import type { OpRegistry } from '../opspec/registry.js';
import { integerFaultOf, type IntegerFault, type KernelRegistry } from './cpu/kernel.js';
import { cpuKernels } from './cpu/kernels/index.js';

export interface ReferenceResult {
  /** The graph outputs, by name. */
  readonly outputs: Map<string, Tensor>;
  /** Every value the run computed or was given, by name (input search and oracles read these). */
  readonly values: Map<string, Tensor>;
  /** Per node, in model order: the attributes and output types the run resolved (autodiff reuses them). */
  readonly steps: readonly ReferenceStep[];
  /**
   * In model order, every node output holding an integer its dtype cannot hold (see IntegerFault):
   * the run wrapped it as the dtype would, but a C++ runtime need not, so no oracle can trust it.
   */
  readonly integerFaults: readonly NodeIntegerFault[];
}

/** An integer fault at one output of one node. */
export interface NodeIntegerFault extends IntegerFault {
  readonly node: string;
  readonly op: string;
  /** The output's value name. */
  readonly output: string;
  readonly dtype: DType;
}

export interface ReferenceStep {
  readonly attrs: ConcreteAttrs;
  readonly outputs: readonly ConcreteType[];
}

export interface ReferenceOptions {
  readonly registry?: OpRegistry;
  readonly kernels?: KernelRegistry;
  /** Replaces a node's outputs as they are computed (the stability probe nudges them by a rounding error). */
  readonly afterNode?: (node: Node, outputs: Tensor[]) => Tensor[];
}

let defaults: { registry: OpRegistry; kernels: KernelRegistry } | undefined;

function defaultRegistries() {
  defaults ??= { registry: builtinRegistry(), kernels: cpuKernels() };
  return defaults;
}

/** Runs a model on the float64 CPU kernels. Inputs are fed by name; weights come from the model. */
export function runReference(model: Model, inputs: TensorMap, options: ReferenceOptions = {}): ReferenceResult {
  const registry = options.registry ?? defaultRegistries().registry;
  const kernels = options.kernels ?? defaultRegistries().kernels;
  const values = new Map<string, Tensor>();
  const constants = new Map<string, Tensor>();
  const limit = maxTensorElements();
  for (const info of model.inputs) {
    const t = inputs.get(info.name);
    if (!t) throw new UserError(`input '${info.name}' was not given a value`);
    if (t.dtype !== info.dtype || t.shape.length !== info.shape.length || t.shape.some((d, i) => d !== info.shape[i])) {
      throw new UserError(
        `input '${info.name}' must be ${info.dtype}[${info.shape.join(', ')}], got ${t.dtype}[${t.shape.join(', ')}]`,
      );
    }
    const tooBig = tensorElementsProblem(t.shape, limit);
    if (tooBig) throw new UserError(`input '${info.name}' ${tooBig}`);
    values.set(info.name, t);
  }
  for (const w of model.weights) {
    values.set(w.name, w.value);
    constants.set(w.name, w.value);
  }
  const steps: ReferenceStep[] = [];
  const integerFaults: NodeIntegerFault[] = [];
  for (const node of model.nodes) {
    const spec = registry.get(node.op, model.opset);
    const kernel = kernels.find(node.op);
    if (!kernel) throw new Error(`the reference runtime has no CPU kernel for '${node.op}'`);
    const args = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
    const { outputs, attrs } = inferNode(spec, node, args, constants, model.opset);
    // Refuse before the kernel allocates: a valid model may still ask for more memory than there is.
    outputs.forEach((o, i) => {
      const tooBig = tensorElementsProblem(o.shape, limit);
      if (tooBig) throw new UserError(`node '${node.name}' (${node.op}): output '${node.outputs[i]?.name ?? i}' ${tooBig}`);
    });
    const computed = kernel({ inputs: args, attrs, outputs });
    computed.forEach((t, i) => {
      const fault = integerFaultOf(t);
      if (fault) integerFaults.push({ ...fault, node: node.name, op: node.op, output: node.outputs[i]!.name, dtype: t.dtype });
    });
    const results = options.afterNode ? options.afterNode(node, computed) : computed;
    steps.push({ attrs, outputs });
    node.outputs.forEach((o, i) => values.set(o.name, results[i]!));
  }
  const outputs = new Map<string, Tensor>();
  for (const name of model.outputs) outputs.set(name, values.get(name)!);
  return { outputs, values, steps, integerFaults };
}
