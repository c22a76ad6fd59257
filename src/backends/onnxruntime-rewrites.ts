import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { graphOpTypes, type NodeOpType } from '../export/onnx-op-types.js';
import type { OrtOptLevel } from './onnxruntime-options.js';
import { ortNodeSessionOptions } from './onnxruntime-options.js';

/**
 * What onnxruntime's graph optimizer did to a model, read from the difference between the model it
 * was given and the optimized model it writes (`optimizedModelFilePath`): the op types (qualified by
 * domain when not the ONNX one) that appeared and disappeared, with counts. Rewrites are where
 * compilers break; this is how a campaign learns which ones its tests reach.
 */
export interface GraphDiff {
  readonly added: Readonly<Record<string, number>>;
  readonly removed: Readonly<Record<string, number>>;
  /** The optimized graph's op types with counts: what a rewrite left in place (Relu->Clip keeps the Clip). */
  readonly after: Readonly<Record<string, number>>;
}

/** A node's op type as the diff names it: `Gemm`, `com.microsoft:FusedConv`. */
function qualified({ opType, domain }: NodeOpType): string {
  return domain === '' || domain === 'ai.onnx' ? opType : `${domain}:${opType}`;
}

/**
 * The op types of an ONNX model's graph, one per node. Read from the wire format, not decoded with
 * the ONNX schema: loading that cost every SUT worker start about 120 ms (see graphOpTypes).
 */
export function opTypesOf(onnx: Uint8Array): string[] {
  return graphOpTypes(onnx).map(qualified);
}

export function graphDiff(before: readonly string[], after: readonly string[]): GraphDiff {
  const count = (ops: readonly string[]) => ops.reduce((m, op) => m.set(op, (m.get(op) ?? 0) + 1), new Map<string, number>());
  const b = count(before);
  const a = count(after);
  const added: Record<string, number> = {};
  const removed: Record<string, number> = {};
  for (const [op, n] of a) if (n > (b.get(op) ?? 0)) added[op] = n - (b.get(op) ?? 0);
  for (const [op, n] of b) if (n > (a.get(op) ?? 0)) removed[op] = n - (a.get(op) ?? 0);
  return { added, removed, after: Object.fromEntries(a) };
}

/**
 * How a rewrite shows in a diff. Fusions are known by the op they create (most create their own);
 * eliminations by the op that goes while nothing appears. Names follow onnxruntime's transformers
 * (onnxruntime/core/optimizer/).
 */
interface RewriteSign {
  readonly name: string;
  readonly shows: (diff: GraphDiff) => boolean;
}

const appears = (op: string) => (d: GraphDiff) => (d.added[op] ?? 0) > 0;
const goes = (op: string) => (d: GraphDiff) => (d.removed[op] ?? 0) > 0;
const nothingAppears = (d: GraphDiff) => Object.keys(d.added).length === 0;
const remains = (op: string) => (d: GraphDiff) => (d.after[op] ?? 0) > 0;
const all =
  (...tests: ((d: GraphDiff) => boolean)[]) =>
  (d: GraphDiff) =>
    tests.every((t) => t(d));
const not = (test: (d: GraphDiff) => boolean) => (d: GraphDiff) => !test(d);

const NCHWC = 'com.microsoft.nchwc:';
/** The activations a fused conv takes in (ConvActivationFusion's list). */
const CONV_ACTIVATIONS = ['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Clip', 'HardSigmoid'];

/**
 * The diff with the NCHWc layout undone: its blocked ops named as the ONNX ops they replace and
 * its reorders left out. At level all, NCHWc converts the convs that other rewrites leave, so an
 * elimination (a BatchNormalization folded into a Conv) shows as "nothing but NCHWc appeared".
 */
export function withoutNchwc(d: GraphDiff): GraphDiff {
  const plain = (ops: Readonly<Record<string, number>>) => {
    const out = new Map<string, number>();
    for (const [op, n] of Object.entries(ops)) {
      if (!op.startsWith(NCHWC)) out.set(op, (out.get(op) ?? 0) + n);
      else if (!op.startsWith(`${NCHWC}Reorder`)) out.set(op.slice(NCHWC.length), (out.get(op.slice(NCHWC.length)) ?? 0) + n);
    }
    return out;
  };
  const after = plain(d.after);
  const removed: Record<string, number> = {};
  const added: Record<string, number> = {};
  // Recount against the plain after-graph: an op NCHWc replaced one-for-one is neither added nor removed.
  const before = new Map<string, number>(Object.entries(d.after).filter(([op]) => !op.startsWith(NCHWC)));
  for (const [op, n] of Object.entries(d.removed)) before.set(op, (before.get(op) ?? 0) + n);
  for (const [op, n] of Object.entries(d.added)) if (!op.startsWith(NCHWC)) before.set(op, (before.get(op) ?? 0) - n);
  for (const [op, n] of after) if (n > (before.get(op) ?? 0)) added[op] = n - (before.get(op) ?? 0);
  for (const [op, n] of before) if (n > (after.get(op) ?? 0)) removed[op] = n - (after.get(op) ?? 0);
  return { added, removed, after: Object.fromEntries(after) };
}

/**
 * How each rewrite shows. Signs read the diff with NCHWc undone (withoutNchwc) unless they are
 * about NCHWc. They are inferences from op counts: two rewrites in one model can mask each other,
 * and an elimination sign cannot tell a folded Add of a constant from an Add of zero removed.
 */
export const REWRITE_SIGNS: readonly RewriteSign[] = [
  { name: 'ConvActivationFusion', shows: appears('com.microsoft:FusedConv') },
  { name: 'GemmActivationFusion', shows: appears('com.microsoft:FusedGemm') },
  { name: 'MatMulAddFusion', shows: all(appears('Gemm'), goes('MatMul'), goes('Add')) },
  { name: 'MatMulScaleFusion', shows: all(appears('com.microsoft:FusedMatMul'), (d) => goes('Mul')(d) || goes('Div')(d)) },
  { name: 'MatmulTransposeFusion', shows: all((d) => appears('com.microsoft:FusedMatMul')(d) || appears('com.microsoft:TransposeScaleMatMul')(d), goes('Transpose')) },
  { name: 'GeluFusion', shows: (d) => appears('Gelu')(d) || appears('com.microsoft:Gelu')(d) },
  { name: 'FastGeluFusion', shows: appears('com.microsoft:FastGelu') },
  { name: 'BiasGeluFusion', shows: appears('com.microsoft:BiasGelu') },
  { name: 'QuickGeluFusion', shows: appears('com.microsoft:QuickGelu') },
  { name: 'LayerNormFusion', shows: appears('LayerNormalization') },
  { name: 'SimplifiedLayerNormFusion', shows: (d) => appears('SimplifiedLayerNormalization')(d) || appears('com.microsoft:SimplifiedLayerNormalization')(d) },
  { name: 'SkipLayerNormFusion', shows: appears('com.microsoft:SkipLayerNormalization') },
  { name: 'BiasSoftmaxFusion', shows: appears('com.microsoft:BiasSoftmax') },
  { name: 'GatherToSplitFusion', shows: all(appears('Split'), goes('Gather')) },
  { name: 'ConvBNFusion', shows: all(goes('BatchNormalization'), nothingAppears, remains('Conv')) },
  { name: 'ConvAddFusion', shows: all(goes('Add'), nothingAppears, remains('Conv')) },
  { name: 'ConvMulFusion', shows: all(goes('Mul'), nothingAppears, remains('Conv')) },
  { name: 'GemmSumFusion', shows: all(goes('Sum'), nothingAppears, remains('Gemm')) },
  { name: 'GemmTransposeFusion', shows: all(goes('Transpose'), nothingAppears, remains('Gemm')) },
  { name: 'DivMulFusion', shows: all(goes('Mul'), nothingAppears, remains('Div')) },
  { name: 'ReshapeFusion', shows: all(goes('Reshape'), nothingAppears, remains('Reshape')) },
  { name: 'EliminateIdentity', shows: all(goes('Identity'), nothingAppears) },
  { name: 'EliminateDropout', shows: all(goes('Dropout'), nothingAppears) },
  { name: 'CastElimination', shows: all(goes('Cast'), nothingAppears) },
  { name: 'EliminateSlice', shows: all(goes('Slice'), nothingAppears) },
  { name: 'ExpandElimination', shows: all(goes('Expand'), nothingAppears) },
  { name: 'UnsqueezeElimination', shows: all(goes('Unsqueeze'), nothingAppears) },
  { name: 'NotWhereFusion', shows: all(goes('Not'), nothingAppears) },
  { name: 'FuseReluClip', shows: all(goes('Relu'), nothingAppears, remains('Clip')) },
  { name: 'TransposeOptimizer', shows: all(goes('Transpose'), nothingAppears, not(remains('Gemm'))) },
  // QDQ node units (DQ on the inputs, the op, Q on the output) fused into the quantized op. The
  // float op goes and the quantized one appears; the DQ count need not fall, since a DQ that other
  // nodes read too is first duplicated (EnsureUniqueDQForNodeUnit).
  { name: 'QDQSelectorActionTransformer:QLinearConv', shows: all(goes('Conv'), (d) => appears('QLinearConv')(d) || appears('com.microsoft:QLinearConv')(d)) },
  { name: 'QDQSelectorActionTransformer:QLinearMatMul', shows: all(goes('MatMul'), appears('QLinearMatMul')) },
  { name: 'QDQSelectorActionTransformer:QLinearAdd', shows: all(goes('Add'), appears('com.microsoft:QLinearAdd')) },
  { name: 'QDQSelectorActionTransformer:QLinearAveragePool', shows: all(goes('AveragePool'), appears('com.microsoft:QLinearAveragePool')) },
  { name: 'QDQSelectorActionTransformer:QLinearConcat', shows: all(goes('Concat'), appears('com.microsoft:QLinearConcat')) },
  // An 8-bit QLinearConv in NCHW converted to NHWC (level all).
  { name: 'NhwcTransformer:QLinearConv', shows: all(goes('QLinearConv'), appears('com.microsoft:QLinearConv')) },
  // A Relu before a Q whose zero point is the type's minimum: the Q clamps the same.
  { name: 'ReluQuantFusion', shows: all(goes('Relu'), nothingAppears, remains('QuantizeLinear')) },
  // A DQ -> Q pair removed: DoubleQDQPairsRemover (basic), or the drop-QDQ action around MaxPool,
  // Reshape or Transpose (extended). Op counts cannot tell the two apart.
  { name: 'QDQPairRemoval', shows: all(goes('DequantizeLinear'), goes('QuantizeLinear'), nothingAppears) },
];

/** NCHWc's own rewrites: one per blocked op kind, and its conv taking in a following activation. */
function nchwcRewrites(raw: GraphDiff, plain: GraphDiff): string[] {
  const blocked = Object.keys(raw.added).filter((op) => op.startsWith(NCHWC) && !op.startsWith(`${NCHWC}Reorder`));
  const names = blocked.map((op) => `NchwcTransformer:${op.slice(NCHWC.length)}`);
  if (blocked.includes(`${NCHWC}Conv`) && CONV_ACTIVATIONS.some((a) => goes(a)(plain)) && nothingAppears(plain)) names.push('NchwcTransformer:Conv+activation');
  return names;
}

/**
 * The rewrites a diff shows, by name. A change no sign explains is named by the diff itself
 * (`-A -B +C`), so that coverage still counts it and a new rewrite gets noticed.
 */
export function rewritesOf(diff: GraphDiff): string[] {
  const plain = withoutNchwc(diff);
  const named = [...REWRITE_SIGNS.filter((s) => s.shows(plain)).map((s) => s.name), ...nchwcRewrites(diff, plain)];
  if (named.length > 0) return named;
  const parts = [...Object.keys(diff.removed).sort().map((op) => `-${op}`), ...Object.keys(diff.added).sort().map((op) => `+${op}`)];
  return parts.length > 0 ? [parts.join(' ')] : [];
}

/**
 * Where a session writes its optimized model: a file of this process in the temporary folder,
 * removed once read (a folder per session would cost as much as the optimization; a folder per
 * process would be left behind by every worker killed with SIGKILL).
 */
let optimizedCount = 0;
const optimizedModelPath = () => join(tmpdir(), `tensorsmith-ort-optimized-${process.pid}-${optimizedCount++}.onnx`);

/**
 * An onnxruntime-node session for a model at one optimization level, and what the optimizer did to
 * the model: the session writes its optimized model to a temporary file, read back and removed.
 * Asking for that file is what rewrite coverage costs per prepare, about 1 ms on small models:
 * onnxruntime serializes the optimized graph (and keeps its initializers to do so); reading the
 * file back, removing it and reading the op types cost little next to it.
 */
export async function sessionWithDiff(onnx: Uint8Array, level: OrtOptLevel): Promise<{ session: ort.InferenceSession; diff: GraphDiff }> {
  const path = optimizedModelPath();
  try {
    const session = await ort.InferenceSession.create(onnx, { ...ortNodeSessionOptions(level), executionProviders: ['cpu'], optimizedModelFilePath: path });
    return { session, diff: graphDiff(opTypesOf(onnx), opTypesOf(new Uint8Array(readFileSync(path)))) };
  } finally {
    rmSync(path, { force: true });
  }
}

/** What onnxruntime's optimizer does to a model at one level (the session is released). */
export async function optimizerDiff(onnx: Uint8Array, level: OrtOptLevel): Promise<GraphDiff> {
  const { session, diff } = await sessionWithDiff(onnx, level);
  await session.release();
  return diff;
}
