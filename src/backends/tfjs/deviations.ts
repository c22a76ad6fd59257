import type { KnownBugMatch } from '../adapter.js';
import type { Model, Node } from '../../ir/model.js';
import { valueTypes } from '../../ir/model.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { fusedChains, type FusedChain } from './fusion.js';
import { resolveNodes } from './resolve.js';

/** Batch dims with leading 1s dropped. */
function stripOnes(dims: readonly number[]): number[] {
  const i = dims.findIndex((d) => d !== 1);
  return i < 0 ? [] : dims.slice(i);
}

/**
 * Whether tfjs's BatchMatMul gets the batch broadcasting of these operand shapes right. Its kernels
 * (cpu, wasm) flatten the batch dims of each side and pair batch bi of the output with
 * bi % batchA and bi % batchB: right when one side's batch is the whole output batch and the other's
 * is a suffix of it (or empty); wrong (or short of values) for broadcasts inside the batch dims,
 * e.g. [3, 4] against [3, 1].
 */
export function tfjsMatMulBatchesPair(a: readonly number[], b: readonly number[]): boolean {
  const ba = a.length > 2 ? a.slice(0, -2) : [];
  const bb = b.length > 2 ? b.slice(0, -2) : [];
  const n = Math.max(ba.length, bb.length);
  const pad = (x: number[]) => [...new Array<number>(n - x.length).fill(1), ...x];
  const out = pad(ba).map((d, i) => Math.max(d, pad(bb)[i]!));
  const o = stripOnes(out);
  const fits = (whole: number[], part: number[]) => {
    const w = stripOnes(whole);
    const p = stripOnes(part);
    return w.length === o.length && w.every((d, i) => d === o[i]) && p.every((d, i) => d === o[o.length - p.length + i]);
  };
  return fits(ba, bb) || fits(bb, ba);
}

/** Ops whose tfjs mapping may call tile (directly or through broadcastTo). */
const TILING_OPS = new Set(['Tile', 'Expand', 'Where', 'PRelu', 'Max', 'Min', 'Sum', 'Mean', 'Trilu', 'GatherElements', 'Pad', 'LayerNormalization']);

/** What a deviation's condition sees of a node: the node, its inputs' shapes, the model, where tfjs runs. */
interface TfjsNodeView {
  readonly node: Node;
  /** Input shapes in the node's input order (undefined for an omitted optional input). */
  readonly shapes: readonly (readonly number[] | undefined)[];
  readonly model: Model;
  readonly host: 'node' | 'browser';
}

/**
 * A recorded departure of tfjs from ONNX semantics, as data: the backends and op it is on, the
 * condition, the reason, and for a departure that is a tfjs bug its corpus entry (the test is then
 * run and its failure counted as that known bug; without one the campaign sets it aside unrun).
 */
export interface TfjsDeviation {
  /** tfjs backend names (cpu, wasm, webgpu) it is seen on. */
  readonly backends: readonly string[];
  readonly ops: readonly string[];
  readonly when: (view: TfjsNodeView) => boolean;
  readonly reason: (view: TfjsNodeView) => string;
  readonly corpus?: string;
}

const shapeOf = (view: TfjsNodeView, i: number): readonly number[] => view.shapes[i] ?? [];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The chains of a model the tfjs materializer runs as fused kernels (see fusion.ts), found once per model. */
const chainsOf = new WeakMap<Model, readonly FusedChain[]>();
function fusedChainsOf(model: Model): readonly FusedChain[] {
  let chains = chainsOf.get(model);
  if (!chains) chainsOf.set(model, (chains = fusedChains(model, resolveNodes(model, builtinRegistry()))));
  return chains;
}

/**
 * Whether tfjs-wasm's fused matMul adds wrong bias elements in the chain a MatMul or Gemm heads. Its
 * kernel (batch_mat_mul_impl.cc) hands the product to XNNPACK only without transposes and with a
 * batch of one on both sides; otherwise its own loop (slow_batch_matmul) adds
 * bias[min(i * N + j, size - 1)] to y[i, j], the element's index within its matrix clamped to the
 * bias, meant for a bias of the whole matrix: a bias of N values is right in row 0 only, and every
 * later row gets its last value. Wrong when that loop runs, the output has more than one row and
 * the bias (the head's C and the Add's operand, summed) more than one value.
 */
function wasmFusedMatMulMisreadsBias(v: TfjsNodeView): boolean {
  const head = v.model.nodes.indexOf(v.node);
  const chain = fusedChainsOf(v.model).find((c) => c.kernel === 'matMul' && c.head === head);
  const types = valueTypes(v.model);
  const biases = [chain?.headBias, chain?.add?.bias].filter((b): b is string => b !== undefined);
  const out = v.node.outputs[0]!.shape;
  if (!biases.some((b) => size(types.get(b)?.shape ?? []) > 1) || out.length < 2 || out[out.length - 2]! < 2) return false;
  if (v.node.op === 'Gemm') return v.node.attrs['transA'] === 1 || v.node.attrs['transB'] === 1;
  return size(shapeOf(v, 0).slice(0, -2)) !== 1 || size(shapeOf(v, 1).slice(0, -2)) !== 1;
}

export const TFJS_DEVIATIONS: readonly TfjsDeviation[] = [
  {
    backends: ['cpu', 'wasm', 'webgpu'],
    ops: ['MatMul'],
    when: (v) => !tfjsMatMulBatchesPair(shapeOf(v, 0), shapeOf(v, 1)),
    reason: (v) =>
      `tfjs BatchMatMul mis-broadcasts batch dims [${shapeOf(v, 0).slice(0, -2).join(', ')}] against [${shapeOf(v, 1).slice(0, -2).join(', ')}] (flattened batch indexing)`,
    corpus: 'tfjs-batchmatmul-batch-broadcast',
  },
  {
    backends: ['wasm'],
    ops: ['MatMul', 'Gemm'],
    when: wasmFusedMatMulMisreadsBias,
    reason: (v) =>
      `tfjs-wasm's fused matMul off its XNNPACK path (a transpose, or a batch on either side: ${v.node.op} ${v.node.name}) adds the bias by the element's index within its matrix, clamped, so every row after the first gets the bias's last value`,
    corpus: 'tfjs-wasm-fused-matmul-transposeb-bias',
  },
  {
    backends: ['webgpu'],
    ops: ['ArgMax', 'ArgMin'],
    when: (v) => shapeOf(v, 0).length === 1,
    reason: (v) => `tfjs-webgpu ${v.node.op} of a 1-D tensor gives shape [1] instead of []`,
    corpus: 'tfjs-webgpu-argmax-1d',
  },
  {
    backends: ['webgpu'],
    ops: ['CumSum'],
    when: (v) => {
      if (v.node.attrs['reverse'] !== 1) return false;
      const axisValue = v.model.weights.find((w) => w.name === v.node.inputs[1])?.value.data[0];
      const rank = shapeOf(v, 0).length;
      return axisValue === undefined || (axisValue + rank) % rank !== rank - 1;
    },
    reason: () => 'tfjs-webgpu cumsum(reverse) along an axis other than the last sums the wrong elements',
  },
  {
    backends: ['webgpu'],
    ops: ['ReduceProd'],
    when: (v) => v.node.attrs['keepdims'] !== 0,
    reason: () => 'tfjs-webgpu prod() ignores keepDims (the reduced axes are dropped)',
    corpus: 'tfjs-webgpu-prod-keepdims',
  },
  {
    backends: ['webgpu'],
    ops: [...TILING_OPS],
    when: (v) => v.node.outputs.some((o) => o.shape.length >= 5),
    reason: (v) => {
      const read =
        v.host === 'node' ? 'which needs OffscreenCanvas (absent in Node)' : "which in a headless Chromium page drops the WebGPU instance ('A valid external Instance reference no longer exists')";
      return `tfjs-webgpu tiles (broadcastTo, tile) rank >= 5 tensors on the CPU through a synchronous read, ${read}: ${v.node.op} at rank ${v.node.outputs[0]!.shape.length}`;
    },
  },
];

/** The first deviation (of those `keep` selects) a model's nodes run into on a tfjs backend, with the node's view. */
function firstDeviation(backend: string, model: Model, host: 'node' | 'browser', keep: (d: TfjsDeviation) => boolean): { deviation: TfjsDeviation; view: TfjsNodeView } | undefined {
  const types = valueTypes(model);
  const deviations = TFJS_DEVIATIONS.filter((d) => d.backends.includes(backend) && keep(d));
  for (const node of model.nodes) {
    const view: TfjsNodeView = { node, shapes: node.inputs.map((n) => (n === '' ? undefined : types.get(n)?.shape)), model, host };
    const deviation = deviations.find((d) => d.ops.includes(node.op) && d.when(view));
    if (deviation) return { deviation, view };
  }
  return undefined;
}

/**
 * Recorded departures of tfjs from ONNX semantics the model runs into that the campaign sets aside
 * (not bugs with a corpus entry), for a tfjs backend name, in Node or in a browser page (the reason
 * may differ).
 */
export function tfjsKnownDeviation(backend: string, model: Model, host: 'node' | 'browser' = 'node'): string | undefined {
  const found = firstDeviation(backend, model, host, (d) => d.corpus === undefined);
  return found?.deviation.reason(found.view);
}

/** The recorded tfjs bug (a deviation with a corpus entry) the model runs into on a tfjs backend. */
export function tfjsKnownBug(backend: string, model: Model, host: 'node' | 'browser' = 'node'): KnownBugMatch | undefined {
  const found = firstDeviation(backend, model, host, (d) => d.corpus !== undefined);
  return found && { corpus: found.deviation.corpus!, reason: found.deviation.reason(found.view) };
}
