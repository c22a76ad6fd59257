import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { transposedBeginPads } from '../../../opspec/ops/conv-transpose.js';
import { reducedAxes } from '../../../opspec/ops/reduce.js';
import { softmaxLanes } from '../../../opspec/ops/softmax.js';
import { F32, F32_I32, normAxis, type TF, type TFTensor, type TfjsNodeContext, type TfjsOp, type TfjsOpTable } from './kernel.js';
import { explicitPads, fromNhwc, lift, liftPads, nhwcConv, toNhwc } from './window.js';

const ONLY_2D = (_a: ConcreteAttrs, inputs: readonly ({ shape: readonly number[] } | undefined)[]) =>
  inputs[0]!.shape.length > 4 ? '3-D windows' : undefined;

/** An NC(H)W convolution (no bias): explicit [begin..., end...] pads, groups split by channel. */
function convCore(tf: TF, x: TFTensor, w: TFTensor, strides: readonly number[], dils: readonly number[], pads: readonly number[], group: number): TFTensor {
  const c = nhwcConv(tf, x, w, strides, dils, pads);
  const xs = group === 1 ? [c.x] : tf.split(c.x, group, 3);
  const ws = group === 1 ? [c.w] : tf.split(c.w, group, 3);
  const parts = xs.map((xi, i) => tf.conv2d(xi as Parameters<TF['conv2d']>[0], ws[i] as Parameters<TF['conv2d']>[1], c.strides, 'valid', 'NHWC', c.dilations));
  const y: TFTensor = parts.length === 1 ? parts[0]! : tf.concat(parts, 3);
  return fromNhwc(tf, c.subsample(y), x.rank);
}

function addBias(tf: TF, y: TFTensor, b: TFTensor | undefined): TFTensor {
  return b ? tf.add(y, tf.reshape(b, [1, b.shape[0]!, ...new Array<number>(y.rank - 2).fill(1)])) : y;
}

const conv: TfjsOp = {
  dtypes: F32,
  unsupported: ONLY_2D,
  run: (ctx) => {
    const { tf, attrs } = ctx;
    const x = ctx.inputs[0]!;
    const w = ctx.inputs[1]!;
    const strides = attrs.ints('strides');
    const dils = attrs.ints('dilations');
    const pads = explicitPads(x.shape.slice(2), w.shape.slice(2), strides, dils, attrs);
    return [addBias(tf, convCore(tf, x, w, strides, dils, pads, attrs.int('group')), ctx.inputs[2])];
  },
};

/**
 * ConvTranspose as a stride-1 convolution of the zero-upsampled input with the flipped kernel (its
 * channel axes swapped per group), then cropped (or zero-extended) to the output's window.
 */
const convTranspose: TfjsOp = {
  dtypes: F32,
  unsupported: ONLY_2D,
  run: (ctx) => {
    const { tf, attrs } = ctx;
    let x = ctx.inputs[0]!;
    const w = ctx.inputs[1]!;
    const s = x.rank - 2;
    const group = attrs.int('group');
    const strides = attrs.ints('strides');
    const dils = attrs.ints('dilations');
    const outPad = attrs.ints('output_padding');
    const kernel = w.shape.slice(2);
    const ins = x.shape.slice(2);
    const outs = ctx.node.outputs[0]!.shape.slice(2);
    const full = ins.map((d, i) => strides[i]! * (d - 1) + outPad[i]! + dils[i]! * (kernel[i]! - 1) + 1);
    const auto = attrs.str('auto_pad');
    const begin =
      attrs.has('output_shape') || auto === 'SAME_UPPER' || auto === 'SAME_LOWER'
        ? transposedBeginPads(full, outs, auto)
        : auto === 'VALID'
          ? new Array<number>(s).fill(0)
          : attrs.ints('pads').slice(0, s);
    // Zero insertion: each spatial axis becomes (d - 1) * stride + 1 long. A product with a 0/1
    // matrix (exact) keeps every tensor at rank <= 4 (tfjs-webgpu's Pad fails to compile at rank 5).
    for (let i = 0; i < s; i++) {
      const st = strides[i]!;
      if (st === 1) continue;
      const d = ins[i]!;
      const len = (d - 1) * st + 1;
      const u = new Float32Array(d * len);
      for (let j = 0; j < d; j++) u[j * len + j * st] = 1;
      const a = i + 2;
      const last = x.rank - 1;
      const perm = [...Array(x.rank).keys()].map((j) => (j === a ? last : j === last ? a : j));
      const moved = a === last ? x : tf.transpose(x, perm);
      const up = tf.matMul(moved, tf.tensor2d(u, [d, len]));
      x = a === last ? up : tf.transpose(up, perm);
    }
    // [C, M/g, k...] -> [M, C/g, k...], flipped along the spatial axes.
    const [c, mg] = [w.shape[0]!, w.shape[1]!];
    const wg = tf.reshape(w, [group, c / group, mg, ...kernel]);
    const perm = [0, 2, 1, ...kernel.map((_, i) => i + 3)];
    const wt = tf.reverse(tf.reshape(tf.transpose(wg, perm), [mg * group, c / group, ...kernel]), kernel.map((_, i) => i + 2));
    const edge = kernel.map((k, i) => dils[i]! * (k - 1));
    const pads = [...edge, ...edge.map((e, i) => e + outPad[i]!)];
    let y = convCore(tf, x, wt, new Array<number>(s).fill(1), dils, pads, group);
    // Crop [begin, begin + out) of the full output; positions outside it are zeros.
    const lead = begin.map((b) => Math.max(0, -b));
    const tail = begin.map((b, i) => Math.max(0, b + outs[i]! - full[i]!));
    if (lead.some((v) => v > 0) || tail.some((v) => v > 0)) y = tf.pad(y, [[0, 0], [0, 0], ...lead.map((l, i) => [l, tail[i]!] as [number, number])]);
    y = tf.slice(y, [0, 0, ...begin.map((b) => Math.max(0, b))], [y.shape[0]!, y.shape[1]!, ...outs]);
    return [addBias(tf, y, ctx.inputs[2])];
  },
};

/** Pads (and ceil_mode's extra end cells) of a pool, as NHWC paddings. */
function poolPadding(ctx: TfjsNodeContext, dils: readonly number[]) {
  const { attrs } = ctx;
  const x = ctx.inputs[0]!;
  const kernel = attrs.ints('kernel_shape');
  const strides = attrs.ints('strides');
  const ins = x.shape.slice(2);
  const pads = explicitPads(ins, kernel, strides, dils, attrs);
  const outs = ctx.node.outputs[0]!.shape.slice(2);
  const s = ins.length;
  const extra = ins.map((d, i) => Math.max(0, (outs[i]! - 1) * strides[i]! + (kernel[i]! - 1) * dils[i]! + 1 - (d + pads[i]! + pads[i + s]!)));
  return { kernel, strides, pads, extra };
}

function nhwcPadding(rank: number, pads: readonly number[]): [number, number][] {
  const [ph, pw] = liftPads(rank, pads);
  return [[0, 0], ph, pw, [0, 0]];
}

function extraPadding(rank: number, extra: readonly number[]): [number, number][] {
  const e = lift(rank, extra, 0);
  return [[0, 0], [0, e[0]!], [0, e[1]!], [0, 0]];
}

const maxPool: TfjsOp = {
  dtypes: F32,
  unsupported: (attrs, inputs, node) => {
    if (inputs[0]!.shape.length > 4) return '3-D windows';
    if (node.outputs.length > 1) return 'the Indices output';
    if (attrs.has('dilations') && attrs.ints('dilations').some((d) => d !== 1)) return 'dilated max pooling';
    return undefined;
  },
  run: (ctx) => {
    const { tf } = ctx;
    const x = ctx.inputs[0]!;
    const { kernel, strides, pads, extra } = poolPadding(ctx, kernel1(x.rank - 2));
    let xh = tf.pad(toNhwc(tf, x), nhwcPadding(x.rank, pads), -Infinity);
    xh = tf.pad(xh, extraPadding(x.rank, extra), -Infinity);
    const y = tf.maxPool(xh as Parameters<TF['maxPool']>[0], lift(x.rank, kernel, 1) as [number, number], lift(x.rank, strides, 1) as [number, number], 'valid');
    return [fromNhwc(tf, y, x.rank)];
  },
};

function kernel1(s: number): number[] {
  return new Array<number>(s).fill(1);
}

const averagePool: TfjsOp = {
  dtypes: F32,
  unsupported: (attrs, inputs) => {
    if (inputs[0]!.shape.length > 4) return '3-D windows';
    if (attrs.has('dilations') && attrs.ints('dilations').some((d) => d !== 1)) return 'dilated average pooling';
    return undefined;
  },
  run: (ctx) => {
    const { tf, attrs } = ctx;
    const x = ctx.inputs[0]!;
    const { kernel, strides, pads, extra } = poolPadding(ctx, kernel1(x.rank - 2));
    const include = attrs.int('count_include_pad') === 1;
    // The average is a windowed sum of the zero-padded input over a windowed count of the cells counted.
    const xh = tf.pad(tf.pad(toNhwc(tf, x), nhwcPadding(x.rank, pads), 0), extraPadding(x.rank, extra), 0);
    const ones = tf.onesLike(toNhwc(tf, x));
    const mask = tf.pad(tf.pad(ones, nhwcPadding(x.rank, pads), include ? 1 : 0), extraPadding(x.rank, extra), 0);
    const k = lift(x.rank, kernel, 1) as [number, number];
    const s = lift(x.rank, strides, 1) as [number, number];
    const sum = tf.avgPool(xh as Parameters<TF['avgPool']>[0], k, s, 'valid');
    const count = tf.avgPool(mask as Parameters<TF['avgPool']>[0], k, s, 'valid');
    return [fromNhwc(tf, tf.div(sum, count), x.rank)];
  },
};

const lpPool: TfjsOp = {
  dtypes: F32,
  unsupported: (attrs, inputs) => {
    if (inputs[0]!.shape.length > 4) return '3-D windows';
    if (attrs.has('dilations') && attrs.ints('dilations').some((d) => d !== 1)) return 'dilated Lp pooling';
    return undefined;
  },
  run: (ctx) => {
    const { tf, attrs } = ctx;
    const x = ctx.inputs[0]!;
    const p = attrs.int('p');
    const { kernel, strides, pads, extra } = poolPadding(ctx, kernel1(x.rank - 2));
    const powered = p === 1 ? tf.abs(x) : p === 2 ? tf.square(x) : tf.pow(tf.abs(x), p);
    const xh = tf.pad(tf.pad(toNhwc(tf, powered), nhwcPadding(x.rank, pads), 0), extraPadding(x.rank, extra), 0);
    const k = lift(x.rank, kernel, 1) as [number, number];
    const area = k[0] * k[1];
    const sum = tf.mul(tf.avgPool(xh as Parameters<TF['avgPool']>[0], k, lift(x.rank, strides, 1) as [number, number], 'valid'), area);
    const y = p === 1 ? sum : p === 2 ? tf.sqrt(sum) : tf.pow(sum, 1 / p);
    return [fromNhwc(tf, y, x.rank)];
  },
};

function spatialAxes(rank: number): number[] {
  return [...Array(rank - 2).keys()].map((i) => i + 2);
}

type Reducer = (tf: TF, x: TFTensor, axes: number[], keep: boolean) => TFTensor;

function reduction(dtypes: TfjsOp['dtypes'], f: Reducer): TfjsOp {
  return {
    dtypes,
    run: (ctx) => {
      const { tf, attrs } = ctx;
      const x = ctx.inputs[0]!;
      const noop = attrs.has('noop_with_empty_axes') && attrs.int('noop_with_empty_axes') === 1;
      const axes = reducedAxes(x.rank, attrs.has('axes') ? attrs.ints('axes') : undefined, noop)!;
      // No axis (noop_with_empty_axes): each element is reduced alone (ReduceL2 gives |x|).
      if (axes.length === 0) return [f(tf, tf.expandDims(x, x.rank), [x.rank], false)];
      return [f(tf, x, axes, attrs.int('keepdims') !== 0)];
    },
  };
}

function softmax(log: boolean): TfjsOp {
  return {
    dtypes: F32,
    run: (ctx) => {
      const { tf } = ctx;
      const input = ctx.inputs[0]!;
      // Before opset 13 the input is coerced to 2-D: the dims from the axis on are normalized together.
      const coerced = ctx.attrs.opset < 13;
      const lanes = softmaxLanes(input.shape, ctx.attrs);
      const x = coerced ? tf.reshape(input, [lanes.outer, lanes.len]) : input;
      const axis = coerced ? 1 : normAxis(ctx.attrs.int('axis'), x.rank);
      const shifted = tf.sub(x, tf.max(x, axis, true));
      const sum = tf.sum(tf.exp(shifted), axis, true);
      const y = log ? tf.sub(shifted, tf.log(sum)) : tf.div(tf.exp(shifted), sum);
      return [coerced ? tf.reshape(y, input.shape) : y];
    },
  };
}

function matmul(tf: TF, a: TFTensor, b: TFTensor): TFTensor {
  const a2 = a.rank === 1 ? tf.expandDims(a, 0) : a;
  const b2 = b.rank === 1 ? tf.expandDims(b, 1) : b;
  let y = tf.matMul(a2, b2);
  if (a.rank === 1) y = tf.squeeze(y, [y.rank - 2]);
  if (b.rank === 1) y = tf.squeeze(y, [y.rank - 1]);
  return y;
}

/** MatMul, Gemm, Conv, pooling, reductions, Softmax. */
export const NN_OPS: TfjsOpTable = {
  MatMul: {
    dtypes: F32,
    run: (ctx) => {
      const y = matmul(ctx.tf, ctx.inputs[0]!, ctx.inputs[1]!);
      return [ctx.tf.reshape(y, [...ctx.node.outputs[0]!.shape])];
    },
  },
  Gemm: {
    dtypes: F32,
    run: (ctx) => {
      const { tf, attrs } = ctx;
      const ab = tf.matMul(ctx.inputs[0]!, ctx.inputs[1]!, attrs.int('transA') === 1, attrs.int('transB') === 1);
      let y = tf.mul(ab, attrs.float('alpha'));
      const c = ctx.inputs[2];
      if (c) y = tf.add(y, tf.mul(c, attrs.float('beta')));
      return [y];
    },
  },
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: maxPool,
  AveragePool: averagePool,
  LpPool: lpPool,
  GlobalAveragePool: { dtypes: F32, run: (ctx) => [ctx.tf.mean(ctx.inputs[0]!, spatialAxes(ctx.inputs[0]!.rank), true)] },
  GlobalMaxPool: { dtypes: F32, run: (ctx) => [ctx.tf.max(ctx.inputs[0]!, spatialAxes(ctx.inputs[0]!.rank), true)] },
  ReduceSum: reduction(F32_I32, (tf, x, a, k) => tf.sum(x, a, k)),
  ReduceMean: reduction(F32, (tf, x, a, k) => tf.mean(x, a, k)),
  ReduceMax: reduction(F32_I32, (tf, x, a, k) => tf.max(x, a, k)),
  ReduceMin: reduction(F32_I32, (tf, x, a, k) => tf.min(x, a, k)),
  ReduceProd: reduction(F32_I32, (tf, x, a, k) => tf.prod(x, a, k)),
  ReduceL1: reduction(F32_I32, (tf, x, a, k) => tf.sum(tf.abs(x), a, k)),
  ReduceL2: reduction(F32, (tf, x, a, k) => tf.sqrt(tf.sum(tf.square(x), a, k))),
  ReduceSumSquare: reduction(F32_I32, (tf, x, a, k) => tf.sum(tf.mul(x, x), a, k)),
  ReduceLogSum: reduction(F32, (tf, x, a, k) => tf.log(tf.sum(x, a, k))),
  ReduceLogSumExp: reduction(F32, (tf, x, a, k) => tf.logSumExp(x, a, k)),
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
};
