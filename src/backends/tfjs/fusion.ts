import type { Model } from '../../ir/model.js';
import type { ResolvedNode } from './resolve.js';

/**
 * The chains of ONNX nodes the tfjs materializer runs as one of tfjs's fused kernels, as
 * tfjs-converter does for TF graphs (Conv2D/MatMul + BiasAdd + activation): a Conv (4-D input, one
 * group or depthwise) or a MatMul/Gemm, then optionally an Add of a bias, then optionally an
 * activation. Fused kernels are separate code in every tfjs backend (wasm hands them to XNNPACK
 * with the bias and clamp folded in), so reaching them is coverage the unfused ops do not give.
 */

export type FusedKernel = 'conv2d' | 'depthwiseConv2d' | 'matMul';

/** tfjs's names of its fused activations (`Activation` in tfjs-core), those an ONNX op matches exactly. */
export type FusedActivation = 'relu' | 'relu6' | 'sigmoid' | 'elu' | 'leakyrelu' | 'prelu';

export interface FusedChain {
  readonly kernel: FusedKernel;
  /** Index in model.nodes of the Conv, MatMul or Gemm. */
  readonly head: number;
  /** The head's own bias input: Conv's B, Gemm's C. */
  readonly headBias?: string;
  /** The Add that follows, and which of its operands is the bias. */
  readonly add?: { readonly node: number; readonly bias: string };
  readonly activation?: {
    readonly node: number;
    readonly kind: FusedActivation;
    /** LeakyRelu's alpha. */
    readonly alpha?: number;
    /** PRelu's slope (a value name). */
    readonly slope?: string;
  };
  /** The nodes the chain replaces, in model order: the head first, the node giving its output last. */
  readonly nodes: readonly number[];
}

/**
 * The name a chain is reported by (rewrite coverage): `fused.<tfjs kernel>`, then `+bias` when it adds
 * a bias, then `+<tfjs activation>`: `fused.conv2d+bias+relu`, `fused.depthwiseConv2d+leakyrelu`,
 * `fused.matMul+bias+sigmoid`. Stable: tfjs's own names of the op and its activation.
 */
export function fusedKernelName(chain: FusedChain): string {
  const parts = [`fused.${chain.kernel}`];
  if (chain.headBias !== undefined || chain.add) parts.push('bias');
  if (chain.activation) parts.push(chain.activation.kind);
  return parts.join('+');
}

/**
 * Whether a tensor of `shape` broadcast against `out` varies along `axis` only (so that it is a 1-D
 * tensor of out[axis] values, or one value): what the fused kernels' bias and PRelu weights are on
 * every tfjs backend (the wasm kernels take a rank-1 bias only, and read PRelu weights as one per
 * channel of the last axis).
 */
function perAxis(shape: readonly number[], out: readonly number[], axis: number): boolean {
  if (shape.length > out.length) return false;
  const offset = out.length - shape.length;
  return shape.every((d, i) => d === 1 || (i + offset === axis && d === out[axis]));
}

/** What the chain matcher reads of the model. */
interface Graph {
  readonly resolved: readonly ResolvedNode[];
  readonly weights: ReadonlyMap<string, ArrayLike<number>>;
  /** How many node inputs read each value (a node reading it twice counts twice). */
  readonly uses: ReadonlyMap<string, number>;
  readonly consumer: ReadonlyMap<string, number>;
  readonly outputs: ReadonlySet<string>;
}

/**
 * The node that alone reads the value, when it can be fused into: the value has exactly one use and
 * is not a graph output. Otherwise the value itself is needed, and computing it inside a fused kernel
 * would not make it.
 */
function soleConsumer(g: Graph, value: string): number | undefined {
  if (g.outputs.has(value) || g.uses.get(value) !== 1) return undefined;
  return g.consumer.get(value);
}

function scalarWeight(g: Graph, name: string | undefined): number | undefined {
  const v = name ? g.weights.get(name) : undefined;
  return v?.length === 1 ? v[0] : undefined;
}

/** The fused activation a node applies to `value`, when tfjs's has exactly ONNX's semantics. */
function activationOf(g: Graph, index: number, value: string, axis: number): FusedChain['activation'] {
  const { node, attrs } = g.resolved[index]!;
  if (node.inputs[0] !== value) return undefined;
  const out = node.outputs[0]!.shape;
  switch (node.op) {
    case 'Relu':
      return { node: index, kind: 'relu' };
    case 'Sigmoid':
      return { node: index, kind: 'sigmoid' };
    case 'Elu':
      // tfjs's elu has no alpha: it is exp(x) - 1 below zero.
      return attrs.float('alpha') === 1 ? { node: index, kind: 'elu' } : undefined;
    case 'LeakyRelu':
      return { node: index, kind: 'leakyrelu', alpha: attrs.float('alpha') };
    case 'PRelu': {
      const slope = node.inputs[1]!;
      const shape = g.resolved[index]!.infos[1]!.shape;
      return slope !== value && perAxis(shape, out, axis) ? { node: index, kind: 'prelu', slope } : undefined;
    }
    case 'Clip': {
      // Constant bounds only: min(max(x, 0), 6) is relu6, max(x, 0) is relu; no other bounds fuse.
      const [min, max] = [node.inputs[1], node.inputs[2]];
      if (scalarWeight(g, min) !== 0) return undefined;
      if (!max) return { node: index, kind: 'relu' };
      return scalarWeight(g, max) === 6 ? { node: index, kind: 'relu6' } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Whether tf.fused.matMul can multiply these operands: it flattens each side's batch dims before its
 * kernel, which then pairs batch i with batch i or broadcasts a single batch, and throws for anything
 * else (a [3] batch against a [3, 3] one, which the unfused tf.matMul multiplies).
 */
function batchesPairOneToOne(a: readonly number[], b: readonly number[]): boolean {
  const batch = (s: readonly number[]) => {
    const dims = s.slice(0, -2);
    const first = dims.findIndex((d) => d !== 1);
    return first < 0 ? [] : dims.slice(first);
  };
  const [ba, bb] = [batch(a), batch(b)];
  const one = (dims: number[]) => dims.every((d) => d === 1);
  return one(ba) || one(bb) || (ba.length === bb.length && ba.every((d, i) => d === bb[i]));
}

/**
 * The fused kernel a node heads, if any: a float32 Conv over a 4-D input with one group (conv2d) or
 * one group per input channel (depthwiseConv2d; tfjs has no other grouped conv), a MatMul of
 * operands of rank 2 or more (rank-1 operands change the output's rank) whose batches the fused op
 * pairs, or a Gemm with alpha 1 and,
 * when it has C, beta 1 and a C the fused bias can be.
 */
function headOf(g: Graph, index: number): { kernel: FusedKernel; axis: number; headBias?: string } | undefined {
  const { node, infos, attrs } = g.resolved[index]!;
  const out = node.outputs[0]!;
  if (out.dtype !== 'float32' || node.outputs.length !== 1) return undefined;
  const bias = node.inputs[2] ? { headBias: node.inputs[2] } : {};
  if (node.op === 'Conv') {
    const [x, w] = [infos[0]!, infos[1]!];
    if (x.shape.length !== 4) return undefined;
    const group = attrs.int('group');
    if (group === 1) return { kernel: 'conv2d', axis: 1, ...bias };
    if (group === x.shape[1] && w.shape[1] === 1) return { kernel: 'depthwiseConv2d', axis: 1, ...bias };
    return undefined;
  }
  if (node.op === 'MatMul') {
    const [a, b] = [infos[0]!.shape, infos[1]!.shape];
    return a.length >= 2 && b.length >= 2 && batchesPairOneToOne(a, b) ? { kernel: 'matMul', axis: out.shape.length - 1 } : undefined;
  }
  if (node.op === 'Gemm') {
    if (attrs.float('alpha') !== 1) return undefined;
    const c = infos[2];
    if (c && (attrs.float('beta') !== 1 || !perAxis(c.shape, out.shape, 1))) return undefined;
    return { kernel: 'matMul', axis: 1, ...bias };
  }
  return undefined;
}

/** The bias operand of an Add that reads `value`, when it is a bias the fused kernel can add. */
function biasOf(g: Graph, index: number, value: string, kernel: FusedKernel, axis: number): string | undefined {
  const { node, infos } = g.resolved[index]!;
  if (node.op !== 'Add' || node.inputs.length !== 2) return undefined;
  const at = node.inputs.indexOf(value);
  const bias = node.inputs[1 - at]!;
  const info = infos[1 - at]!;
  const out = node.outputs[0]!.shape;
  if (bias === value || !perAxis(info.shape, out, axis)) return undefined;
  // Broadcasting must not grow the head's output (the bias is the smaller operand).
  const head = infos[at]!.shape;
  if (head.length !== out.length || head.some((d, i) => d !== out[i])) return undefined;
  // A conv's bias must be a constant (as tfjs-converter fuses BiasAdd of a constant).
  if (kernel !== 'matMul' && !g.weights.has(bias)) return undefined;
  return bias;
}

/** Every chain of the model the tfjs materializer runs as one fused kernel (chains do not overlap). */
export function fusedChains(model: Model, resolved: readonly ResolvedNode[]): FusedChain[] {
  const uses = new Map<string, number>();
  const consumer = new Map<string, number>();
  model.nodes.forEach((n, i) => {
    for (const x of n.inputs) {
      if (x === '') continue;
      uses.set(x, (uses.get(x) ?? 0) + 1);
      consumer.set(x, i);
    }
  });
  const g: Graph = {
    resolved,
    weights: new Map(model.weights.map((w) => [w.name, w.value.data])),
    uses,
    consumer,
    outputs: new Set(model.outputs),
  };
  const taken = new Set<number>();
  const chains: FusedChain[] = [];
  model.nodes.forEach((_, i) => {
    if (taken.has(i)) return;
    const head = headOf(g, i);
    if (!head) return;
    const nodes = [i];
    let value = model.nodes[i]!.outputs[0]!.name;
    let add: FusedChain['add'];
    const next = soleConsumer(g, value);
    const bias = next === undefined ? undefined : biasOf(g, next, value, head.kernel, head.axis);
    if (next !== undefined && bias !== undefined) {
      add = { node: next, bias };
      nodes.push(next);
      value = model.nodes[next]!.outputs[0]!.name;
    }
    const last = soleConsumer(g, value);
    const activation = last === undefined ? undefined : activationOf(g, last, value, head.axis);
    if (activation) nodes.push(activation.node);
    // A lone head without a bias is the plain kernel: nothing to fuse.
    if (!add && !activation && head.headBias === undefined) return;
    for (const n of nodes) taken.add(n);
    chains.push({ kernel: head.kernel, head: i, ...(head.headBias !== undefined ? { headBias: head.headBias } : {}), ...(add ? { add } : {}), ...(activation ? { activation } : {}), nodes });
  });
  return chains;
}
