import type * as tfjs from '@tensorflow/tfjs';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import type { FusedChain } from '../fusion.js';
import type { ResolvedNode } from '../resolve.js';
import type { TF, TFTensor } from './kernel.js';
import { explicitPads, fromNhwc, nhwcConv } from './window.js';

/** tfjs's fused activations (the matcher's FusedActivation must be among them: checked where assigned). */
type TfjsActivation = NonNullable<Parameters<TF['fused']['matMul']>[0]['activation']>;

/** The tensors a fused chain reads: the head's operands, its bias (if any), the Add's bias, PRelu's slope. */
export interface FusedOperands {
  readonly x: TFTensor;
  readonly w: TFTensor;
  readonly headBias?: TFTensor;
  readonly addBias?: TFTensor;
  readonly slope?: TFTensor;
}

/**
 * A bias or PRelu slope that varies along the channel axis only (the matcher checked) as the 1-D
 * tensor of `channels` values the fused kernels take on every tfjs backend (wasm takes nothing else).
 */
function perChannel(tf: TF, t: TFTensor, channels: number): tfjs.Tensor1D {
  return tf.broadcastTo(tf.reshape(t, [t.size]), [channels]) as tfjs.Tensor1D;
}

/**
 * The fused bias: the head's and the Add's summed when both are there (the kernel adds one bias):
 * y + (B + c) for the unfused (y + B) + c, equal up to float32 rounding.
 */
function biasOf(tf: TF, ops: FusedOperands, channels: number): tfjs.Tensor1D | undefined {
  const parts = [ops.headBias, ops.addBias].filter((t): t is TFTensor => t !== undefined).map((t) => perChannel(tf, t, channels));
  return parts.length === 2 ? (tf.add(parts[0]!, parts[1]!) as tfjs.Tensor1D) : parts[0];
}

/** The activation arguments of tfjs's fused ops (`linear`: none). */
function activationArgs(tf: TF, chain: FusedChain, ops: FusedOperands, channels: number) {
  const a = chain.activation;
  const activation: TfjsActivation = a?.kind ?? 'linear';
  return {
    activation,
    ...(a?.kind === 'leakyrelu' ? { leakyreluAlpha: a.alpha! } : {}),
    ...(a?.kind === 'prelu' ? { preluActivationWeights: perChannel(tf, ops.slope!, channels) } : {}),
  } as const;
}

/** A Conv chain: NCHW laid out as NHWC (as the unfused Conv is), one tf.fused.conv2d or depthwiseConv2d. */
function fusedConv(tf: TF, chain: FusedChain, attrs: ConcreteAttrs, ops: FusedOperands): TFTensor {
  const { x, w } = ops;
  const strides = attrs.ints('strides');
  const dils = attrs.ints('dilations');
  const pads = explicitPads(x.shape.slice(2), w.shape.slice(2), strides, dils, attrs);
  const c = nhwcConv(tf, x, w, strides, dils, pads);
  const channels = w.shape[0]!;
  const bias = biasOf(tf, ops, channels);
  const args = { x: c.x as tfjs.Tensor4D, strides: c.strides, pad: 'valid', dataFormat: 'NHWC', dilations: c.dilations, ...(bias ? { bias } : {}), ...activationArgs(tf, chain, ops, channels) } as const;
  let y: TFTensor;
  if (chain.kernel === 'depthwiseConv2d') {
    // [kH, kW, 1, C * mult] -> [kH, kW, C, mult]: output channel c * mult + q reads input channel c.
    const [kh, kw] = [c.w.shape[0]!, c.w.shape[1]!];
    const inChannels = x.shape[1]!;
    y = tf.fused.depthwiseConv2d({ ...args, filter: tf.reshape(c.w, [kh, kw, inChannels, channels / inChannels]) as tfjs.Tensor4D });
  } else {
    y = tf.fused.conv2d({ ...args, filter: c.w as tfjs.Tensor4D });
  }
  // The activation is elementwise: subsampling after it is subsampling before it.
  return fromNhwc(tf, c.subsample(y), 4);
}

/** A MatMul or Gemm chain: one tf.fused.matMul (Gemm's transA and transB are its transposes). */
function fusedMatMul(tf: TF, chain: FusedChain, head: ResolvedNode, ops: FusedOperands, outShape: readonly number[]): TFTensor {
  const { attrs } = head;
  const gemm = head.node.op === 'Gemm';
  const channels = outShape[outShape.length - 1]!;
  const bias = biasOf(tf, ops, channels);
  const y = tf.fused.matMul({
    a: ops.x,
    b: ops.w,
    transposeA: gemm && attrs.int('transA') === 1,
    transposeB: gemm && attrs.int('transB') === 1,
    ...(bias ? { bias } : {}),
    ...activationArgs(tf, chain, ops, channels),
  });
  return tf.reshape(y, [...outShape]);
}

/** Runs a fused chain; `head` is its head node resolved, `outShape` the chain's output shape. */
export function runFusedChain(tf: TF, chain: FusedChain, head: ResolvedNode, ops: FusedOperands, outShape: readonly number[]): TFTensor {
  return chain.kernel === 'matMul' ? fusedMatMul(tf, chain, head, ops, outShape) : fusedConv(tf, chain, head.attrs, ops);
}
