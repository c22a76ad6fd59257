import type { DType } from '../../ir/dtype.js';
import type { Model, TensorMap, ValueInfo } from '../../ir/model.js';
import { makeTensor, type Tensor } from '../../ir/tensor.js';
import { fusedChains, fusedKernelName, type FusedChain } from './fusion.js';
import { runFusedChain } from './ops/fused.js';
import { resolveNodes, type ResolvedNode } from './resolve.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import type { TF, TFTensor } from './ops/kernel.js';
import { TFJS_OPS } from './support.js';

/** The tfjs dtype that holds a tensorsmith dtype (int64 values a fuzzer makes fit in int32). */
export function tfjsDtype(d: DType): 'float32' | 'int32' | 'bool' {
  if (d === 'float32' || d === 'float64') return 'float32';
  if (d === 'bool') return 'bool';
  return 'int32';
}

export function toTfjsTensor(tf: TF, t: Tensor): TFTensor {
  const dtype = tfjsDtype(t.dtype);
  const values = dtype === 'float32' ? Float32Array.from(t.data) : dtype === 'int32' ? Int32Array.from(t.data) : Uint8Array.from(t.data);
  return tf.tensor(values, [...t.shape], dtype);
}

interface PlannedNode {
  readonly run: (inputs: readonly (TFTensor | undefined)[]) => TFTensor[];
  readonly inputs: readonly string[];
  readonly outputs: readonly ValueInfo[];
}

/** A model materialized as tfjs calls: a function of the graph inputs, giving the graph outputs. */
export interface TfjsProgram {
  readonly model: Model;
  /** Runs the graph; call under tf.tidy. Inputs are tfjs tensors by name; weights are held inside. */
  readonly call: (inputs: ReadonlyMap<string, TFTensor>) => Map<string, TFTensor>;
  /** The fused kernels the program runs, one name per kind, sorted (see fusedKernelName). */
  readonly fusedKernels: readonly string[];
  /** Frees the weights' tensors. */
  readonly dispose: () => void;
}

/** One step running a fused chain in place of its nodes: it reads what any of them read from outside. */
function fusedStep(tf: TF, chain: FusedChain, resolved: readonly ResolvedNode[]): PlannedNode {
  const head = resolved[chain.head]!;
  const output = resolved[chain.nodes[chain.nodes.length - 1]!]!.node.outputs[0]!;
  return {
    inputs: [head.node.inputs[0]!, head.node.inputs[1]!, chain.headBias ?? '', chain.add?.bias ?? '', chain.activation?.slope ?? ''],
    outputs: [output],
    run: ([x, w, headBias, addBias, slope]) => [
      runFusedChain(tf, chain, head, { x: x!, w: w!, ...(headBias ? { headBias } : {}), ...(addBias ? { addBias } : {}), ...(slope ? { slope } : {}) }, output.shape),
    ],
  };
}

/**
 * Builds the tfjs program of a model: each node's attributes are resolved once (defaults applied,
 * shape-typed constant inputs bound) as the reference executor does; weights become tfjs tensors.
 * A chain tfjs has a fused kernel for (see fusion.ts) is one step, run where its last node was: every
 * value its nodes read is computed by then, and its inner values are read by no other node.
 */
export function materialize(tf: TF, model: Model): TfjsProgram {
  const resolved = resolveNodes(model, builtinRegistry());
  const chains = fusedChains(model, resolved);
  const chainOf = new Map(chains.flatMap((c) => c.nodes.map((n) => [n, c] as const)));
  const plan: PlannedNode[] = [];
  resolved.forEach(({ node, infos, attrs }, index) => {
    const chain = chainOf.get(index);
    if (chain) {
      if (index === chain.nodes[chain.nodes.length - 1]) plan.push(fusedStep(tf, chain, resolved));
      return;
    }
    const entry = TFJS_OPS[node.op];
    if (!entry) throw new Error(`tfjs materializer: op '${node.op}' is not mapped`);
    plan.push({
      inputs: node.inputs,
      outputs: node.outputs,
      run: (inputs) => entry.run({ tf, inputs, inputInfos: infos, attrs, node }),
    });
  });
  const weights = new Map(model.weights.map((w) => [w.name, toTfjsTensor(tf, w.value)]));
  return {
    model,
    fusedKernels: [...new Set(chains.map(fusedKernelName))].sort(),
    call(inputs) {
      const values = new Map<string, TFTensor>(weights);
      for (const [k, v] of inputs) values.set(k, v);
      for (const step of plan) {
        const results = step.run(step.inputs.map((n) => (n === '' ? undefined : values.get(n))));
        step.outputs.forEach((o, i) => {
          const r = results[i]!;
          const want = tfjsDtype(o.dtype);
          values.set(o.name, r.dtype === want ? r : tf.cast(r, want));
        });
      }
      const out = new Map<string, TFTensor>();
      for (const name of model.outputs) out.set(name, values.get(name)!);
      return out;
    },
    dispose() {
      for (const w of weights.values()) w.dispose();
    },
  };
}

/** Runs a materialized program on tfjs's current backend; outputs come back in the model's dtypes. */
export async function runProgram(tf: TF, program: TfjsProgram, inputs: TensorMap): Promise<Map<string, Tensor>> {
  const fed = new Map<string, TFTensor>();
  for (const info of program.model.inputs) {
    const t = inputs.get(info.name);
    if (!t) throw new Error(`input '${info.name}' was not given a value`);
    fed.set(info.name, toTfjsTensor(tf, t));
  }
  try {
    const outs = tf.tidy(() => {
      const m = program.call(fed);
      // Clones: an output may be a fed input or a weight, which must outlive the run.
      return program.model.outputs.map((n) => tf.clone(m.get(n)!));
    });
    const result = new Map<string, Tensor>();
    const types = new Map<string, DType>();
    for (const i of program.model.inputs) types.set(i.name, i.dtype);
    for (const w of program.model.weights) types.set(w.name, w.value.dtype);
    for (const node of program.model.nodes) for (const o of node.outputs) types.set(o.name, o.dtype);
    for (let i = 0; i < outs.length; i++) {
      const t = outs[i]!;
      const name = program.model.outputs[i]!;
      const data = await t.data();
      result.set(name, makeTensor(types.get(name)!, t.shape, Array.from(data as ArrayLike<number>, Number)));
      t.dispose();
    }
    return result;
  } finally {
    for (const t of fed.values()) t.dispose();
  }
}
