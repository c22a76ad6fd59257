import type { ConcreteAttrs } from '../../../opspec/infer.js';
import type { TF, TFTensor } from './kernel.js';

/**
 * Sliding-window layout shared by the convolutions and pools: ONNX is NC(H)W with explicit pads,
 * tfjs's window kernels want NHWC, 2-D windows and 'valid' padding of an already padded input.
 */

/** Explicit [begin..., end...] pads of a sliding window, auto_pad resolved. */
export function explicitPads(ins: readonly number[], kernel: readonly number[], strides: readonly number[], dils: readonly number[], attrs: ConcreteAttrs): number[] {
  const s = ins.length;
  const auto = attrs.str('auto_pad');
  if (auto === 'VALID') return new Array<number>(2 * s).fill(0);
  if (auto === 'NOTSET') return attrs.ints('pads');
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < s; i++) {
    const out = Math.ceil(ins[i]! / strides[i]!);
    const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dils[i]! + 1 - ins[i]!);
    const small = Math.floor(total / 2);
    begin.push(auto === 'SAME_UPPER' ? small : total - small);
    end.push(auto === 'SAME_UPPER' ? total - small : small);
  }
  return [...begin, ...end];
}

/** NC(H)W -> NHWC with a unit H for 1-D windows. */
export function toNhwc(tf: TF, x: TFTensor): TFTensor {
  const x4 = x.rank === 3 ? tf.expandDims(x, 2) : x;
  return tf.transpose(x4, [0, 2, 3, 1]);
}

export function fromNhwc(tf: TF, y: TFTensor, rank: number): TFTensor {
  const y4 = tf.transpose(y, [0, 3, 1, 2]);
  return rank === 3 ? tf.squeeze(y4, [2]) : y4;
}

/** 1-D window parameters lifted to 2-D (a unit H dim). */
export function lift(rank: number, v: readonly number[], unit: number): number[] {
  return rank === 3 ? [unit, ...v] : [...v];
}

export function liftPads(rank: number, p: readonly number[]): [[number, number], [number, number]] {
  if (rank === 3) return [[0, 0], [p[0]!, p[1]!]];
  return [[p[0]!, p[2]!], [p[1]!, p[3]!]];
}

function stride2d(tf: TF, y: TFTensor, strides: readonly number[]): TFTensor {
  if (strides.every((s) => s === 1)) return y;
  return tf.stridedSlice(y, [0, 0, 0, 0], y.shape, [1, strides[0]!, strides[1]!, 1]);
}

/** An NC(H)W convolution's operands in tfjs's terms (2-D, NHWC input padded already, HWIO filter). */
export interface NhwcConv {
  readonly x: TFTensor;
  /** [kH, kW, C/g, M]. */
  readonly w: TFTensor;
  /** What to pass to tfjs: strides are [1, 1] when the conv is computed dense and subsampled after. */
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** Subsamples the NHWC output of tfjs's conv by the conv's strides (identity unless dense). */
  readonly subsample: (y: TFTensor) => TFTensor;
}

/** Lays out an NC(H)W convolution (explicit [begin..., end...] pads) for tfjs's NHWC conv kernels. */
export function nhwcConv(tf: TF, x: TFTensor, w: TFTensor, strides: readonly number[], dils: readonly number[], pads: readonly number[]): NhwcConv {
  const rank = x.rank;
  const s2 = lift(rank, strides, 1) as [number, number];
  const d2 = lift(rank, dils, 1) as [number, number];
  const [ph, pw] = liftPads(rank, pads);
  const xh = tf.pad(toNhwc(tf, x), [[0, 0], ph, pw, [0, 0]]);
  // [M, C/g, kH, kW] -> [kH, kW, C/g, M]
  const w4 = rank === 3 ? tf.expandDims(w, 2) : w;
  const wh = tf.transpose(w4, [2, 3, 1, 0]);
  // tfjs wants strides or dilations to be 1: a strided dilated conv is a dense one, subsampled.
  const dense = d2.some((d) => d !== 1) && s2.some((st) => st !== 1);
  return { x: xh, w: wh, strides: dense ? [1, 1] : s2, dilations: d2, subsample: (y) => (dense ? stride2d(tf, y, s2) : y) };
}
