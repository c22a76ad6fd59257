import { broadcastAll, F32, F32_I32, F32_I32_BOOL, normAxis, type TF, type TFTensor, type TfjsNodeContext, type TfjsOp, type TfjsOpTable } from './kernel.js';

function perChannel(tf: TF, v: TFTensor, rank: number): TFTensor {
  return tf.reshape(v, [1, v.shape[0]!, ...new Array<number>(rank - 2).fill(1)]);
}

function argExtreme(max: boolean): TfjsOp {
  return {
    dtypes: F32_I32,
    run: (ctx) => {
      const { tf, attrs } = ctx;
      const x = ctx.inputs[0]!;
      const axis = normAxis(attrs.int('axis'), x.rank);
      const last = attrs.has('select_last_index') && attrs.int('select_last_index') === 1;
      const pick = (t: TFTensor) => (max ? tf.argMax(t, axis) : tf.argMin(t, axis));
      // tfjs picks the first extreme; the last one is the first of the reversed axis.
      let idx = last ? tf.sub(tf.scalar(x.shape[axis]! - 1, 'int32'), pick(tf.reverse(x, axis))) : pick(x);
      if (attrs.int('keepdims') !== 0) idx = tf.expandDims(idx, axis);
      return [idx];
    },
  };
}

/** A [rows, cols] mask of the kept triangle (Trilu), built on the host. */
function triangleMask(tf: TF, rows: number, cols: number, upper: boolean, k: number): TFTensor {
  const m = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  return tf.tensor2d(m, [rows, cols], 'bool');
}

function depthToSpace(ctx: TfjsNodeContext): TFTensor[] {
  const { tf, attrs } = ctx;
  const x = ctx.inputs[0]!;
  const [b, c, h, w] = x.shape as [number, number, number, number];
  const bs = attrs.int('blocksize');
  const cOut = c / (bs * bs);
  // DepthToSpace-1 has no mode: DCR.
  const dcr = !attrs.has('mode') || attrs.str('mode') === 'DCR';
  const t = dcr ? tf.reshape(x, [b, bs, bs, cOut, h, w]) : tf.reshape(x, [b, cOut, bs, bs, h, w]);
  const p = tf.transpose(t, dcr ? [0, 3, 4, 1, 5, 2] : [0, 1, 4, 2, 5, 3]);
  return [tf.reshape(p, [b, cOut, h * bs, w * bs])];
}

function spaceToDepth(ctx: TfjsNodeContext): TFTensor[] {
  const { tf, attrs } = ctx;
  const x = ctx.inputs[0]!;
  const [b, c, h, w] = x.shape as [number, number, number, number];
  const bs = attrs.int('blocksize');
  const t = tf.reshape(x, [b, c, h / bs, bs, w / bs, bs]);
  return [tf.reshape(tf.transpose(t, [0, 3, 5, 1, 2, 4]), [b, c * bs * bs, h / bs, w / bs])];
}

function gatherElements(ctx: TfjsNodeContext): TFTensor[] {
  const { tf } = ctx;
  const x = ctx.inputs[0]!;
  const axis = normAxis(ctx.attrs.int('axis'), x.rank);
  const raw = tf.cast(ctx.inputs[1]!, 'int32');
  const idx = tf.where(tf.less(raw, 0), tf.add(raw, tf.scalar(x.shape[axis]!, 'int32')), raw);
  // Full coordinates: the index along `axis`, the position itself along every other axis.
  const coords = idx.shape.map((d, a) => {
    if (a === axis) return idx;
    const shape = idx.shape.map((_, i) => (i === a ? d : 1));
    return tf.broadcastTo(tf.reshape(tf.range(0, d, 1, 'int32'), shape), idx.shape);
  });
  return [tf.gatherND(x, tf.stack(coords, idx.rank))];
}

/** ArgMax/ArgMin, CumSum, Trilu, normalizations, Shape, DepthToSpace/SpaceToDepth, GatherElements. */
export const MISC_OPS: TfjsOpTable = {
  ArgMax: argExtreme(true),
  ArgMin: argExtreme(false),
  CumSum: {
    dtypes: F32_I32,
    run: (ctx) => {
      const x = ctx.inputs[0]!;
      const { attrs } = ctx;
      return [ctx.tf.cumsum(x, normAxis(attrs.int('axis'), x.rank), attrs.int('exclusive') === 1, attrs.int('reverse') === 1)];
    },
  },
  Trilu: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const { tf, attrs } = ctx;
      const x = ctx.inputs[0]!;
      const [rows, cols] = x.shape.slice(-2) as [number, number];
      const k = attrs.has('k') ? attrs.int('k') : 0;
      const mask = tf.broadcastTo(triangleMask(tf, rows, cols, attrs.int('upper') === 1, k), x.shape);
      return [tf.where(mask, x, tf.zerosLike(x))];
    },
  },
  BatchNormalization: {
    dtypes: F32,
    unsupported: (_a, _i, node) => (node.outputs.length > 1 ? 'training-mode outputs' : undefined),
    run: (ctx) => {
      const { tf } = ctx;
      const [x, scale, b, mean, variance] = ctx.inputs as TFTensor[];
      const r = x!.rank;
      const inv = tf.rsqrt(tf.add(perChannel(tf, variance!, r), ctx.attrs.float('epsilon')));
      const y = tf.mul(tf.mul(tf.sub(x!, perChannel(tf, mean!, r)), inv), perChannel(tf, scale!, r));
      return [tf.add(y, perChannel(tf, b!, r))];
    },
  },
  InstanceNormalization: {
    dtypes: F32,
    run: (ctx) => {
      const { tf } = ctx;
      const [x, scale, b] = ctx.inputs as TFTensor[];
      const r = x!.rank;
      const { mean, variance } = tf.moments(x!, [...Array(r - 2).keys()].map((i) => i + 2), true);
      const y = tf.mul(tf.sub(x!, mean), tf.rsqrt(tf.add(variance, ctx.attrs.float('epsilon'))));
      return [tf.add(tf.mul(y, perChannel(tf, scale!, r)), perChannel(tf, b!, r))];
    },
  },
  LayerNormalization: {
    dtypes: F32,
    run: (ctx) => {
      const { tf } = ctx;
      const x = ctx.inputs[0]!;
      const axis = normAxis(ctx.attrs.int('axis'), x.rank);
      const axes = [...Array(x.rank - axis).keys()].map((i) => i + axis);
      const { mean, variance } = tf.moments(x, axes, true);
      const invStd = tf.rsqrt(tf.add(variance, ctx.attrs.float('epsilon')));
      let y = tf.mul(tf.mul(tf.sub(x, mean), invStd), ctx.inputs[1]!);
      if (ctx.inputs[2]) y = tf.add(y, ctx.inputs[2]);
      const [out] = broadcastAll(tf, ctx.node.outputs[0]!.shape, [y]);
      return [out!, mean, invStd].slice(0, ctx.node.outputs.length);
    },
  },
  Shape: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const x = ctx.inputs[0]!;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + x.rank : v, 0), x.rank);
      const start = clamp(ctx.attrs.has('start') ? ctx.attrs.int('start') : 0);
      const end = clamp(ctx.attrs.has('end') ? ctx.attrs.int('end') : x.rank);
      return [ctx.tf.tensor1d(x.shape.slice(start, Math.max(start, end)), 'int32')];
    },
  },
  DepthToSpace: { dtypes: F32_I32_BOOL, run: depthToSpace },
  SpaceToDepth: { dtypes: F32_I32_BOOL, run: spaceToDepth },
  GatherElements: { dtypes: F32_I32_BOOL, run: gatherElements },
};
