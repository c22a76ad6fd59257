import { F32_I32_BOOL, normAxis, type TFTensor, type TfjsNodeContext, type TfjsOp, type TfjsOpTable } from './kernel.js';

/** Ops whose result is the input's elements in the output's shape. */
const reshapeLike: TfjsOp = {
  dtypes: F32_I32_BOOL,
  run: (ctx) => [ctx.tf.reshape(ctx.inputs[0]!, [...ctx.node.outputs[0]!.shape])],
};

/** The indices ONNX Slice takes along one axis (start/end clamping of the spec). */
function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const norm = (v: number) => (v < 0 ? v + dim : v);
  let s = norm(start);
  let e = norm(end);
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

function slice(ctx: TfjsNodeContext): TFTensor[] {
  const { tf, attrs } = ctx;
  let y = ctx.inputs[0]!;
  const starts = attrs.ints('starts');
  const ends = attrs.ints('ends');
  const axes = attrs.has('axes') ? attrs.ints('axes') : starts.map((_, i) => i);
  const steps = attrs.has('steps') ? attrs.ints('steps') : starts.map(() => 1);
  const rank = y.rank;
  axes.forEach((a, i) => {
    const axis = normAxis(a, rank);
    const idx = sliceIndices(y.shape[axis]!, starts[i]!, ends[i]!, steps[i]!);
    if (idx.length === y.shape[axis] && idx.every((v, j) => v === j)) return;
    y = tf.gather(y, tf.tensor1d(idx, 'int32'), axis);
  });
  return [ctx.tf.reshape(y, [...ctx.node.outputs[0]!.shape])];
}

/** Begin/end pads per axis, `axes` (Pad-18) resolved. */
function padsPerAxis(ctx: TfjsNodeContext, rank: number): [number, number][] {
  const { attrs } = ctx;
  const pads = attrs.ints('pads');
  const axes = attrs.has('axes') ? attrs.ints('axes').map((a) => normAxis(a, rank)) : [...Array(rank).keys()];
  const out: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((a, i) => {
    out[a] = [pads[i]!, pads[i + axes.length]!];
  });
  return out;
}

/** The source index of output position j of an axis of length d padded by b in front (edge, reflect, wrap). */
function padSource(j: number, b: number, d: number, mode: string): number {
  let i = j - b;
  if (mode === 'edge') return Math.min(Math.max(i, 0), d - 1);
  if (mode === 'wrap') return ((i % d) + d) % d;
  // reflect: mirrored on the first and last values (period 2(d - 1))
  if (d === 1) return 0;
  const period = 2 * (d - 1);
  i = ((i % period) + period) % period;
  return i < d ? i : period - i;
}

/** Edge, reflect and wrap pads: a gather of source indices along each padded axis. */
function padByGather(ctx: TfjsNodeContext, x: TFTensor, pads: readonly [number, number][], mode: string): TFTensor {
  let y = x;
  pads.forEach(([b, e], axis) => {
    if (b === 0 && e === 0) return;
    const d = y.shape[axis]!;
    const idx = Array.from({ length: d + b + e }, (_, j) => padSource(j, b, d, mode));
    y = ctx.tf.gather(y, ctx.tf.tensor1d(idx, 'int32'), axis);
  });
  return y;
}

/** Reshape, Transpose, Concat, Slice, Gather, Pad (constant), Expand, Tile, Split, Squeeze/Unsqueeze, Flatten. */
export const SHAPE_OPS: TfjsOpTable = {
  Reshape: reshapeLike,
  Flatten: reshapeLike,
  Squeeze: reshapeLike,
  Unsqueeze: reshapeLike,
  Expand: { dtypes: F32_I32_BOOL, run: (ctx) => [ctx.tf.broadcastTo(ctx.inputs[0]!, [...ctx.node.outputs[0]!.shape])] },
  Transpose: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const x = ctx.inputs[0]!;
      const perm = ctx.attrs.has('perm') ? ctx.attrs.ints('perm') : [...Array(x.rank).keys()].reverse();
      return [ctx.tf.transpose(x, perm)];
    },
  },
  Concat: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const xs = ctx.inputs.filter((x): x is TFTensor => x !== undefined);
      return [ctx.tf.concat(xs, normAxis(ctx.attrs.int('axis'), xs[0]!.rank))];
    },
  },
  Slice: { dtypes: F32_I32_BOOL, run: slice },
  Gather: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const { tf } = ctx;
      const x = ctx.inputs[0]!;
      const axis = normAxis(ctx.attrs.int('axis'), x.rank);
      const idx = tf.cast(ctx.inputs[1]!, 'int32');
      const fixed = tf.where(tf.less(idx, 0), tf.add(idx, tf.scalar(x.shape[axis]!, 'int32')), idx);
      return [tf.reshape(tf.gather(x, fixed, axis), [...ctx.node.outputs[0]!.shape])];
    },
  },
  Pad: {
    dtypes: ['float32', 'int32'],
    run: (ctx) => {
      const { tf } = ctx;
      let x = ctx.inputs[0]!;
      const per = padsPerAxis(ctx, x.rank);
      // Negative pads crop.
      if (per.some(([b, e]) => b < 0 || e < 0)) {
        const begin = per.map(([b]) => Math.max(0, -b));
        const size = per.map(([b, e], i) => x.shape[i]! - Math.max(0, -b) - Math.max(0, -e));
        x = tf.slice(x, begin, size);
      }
      const pos = per.map(([b, e]) => [Math.max(0, b), Math.max(0, e)] as [number, number]);
      const mode = ctx.attrs.str('mode');
      if (mode !== 'constant') return [padByGather(ctx, x, pos, mode)];
      const value = ctx.inputs[2];
      // Pad-2's constant is the `value` attribute.
      if (!value) return [tf.pad(x, pos, ctx.attrs.has('value') ? ctx.attrs.float('value') : 0)];
      // The constant may be a run-time scalar: pad a mask and select.
      const mask = tf.pad(tf.onesLike(x), pos, 0);
      const padded = tf.pad(x, pos, 0);
      return [tf.where(tf.cast(mask, 'bool'), padded, tf.broadcastTo(tf.reshape(value, []), padded.shape))];
    },
  },
  Tile: { dtypes: F32_I32_BOOL, run: (ctx) => [ctx.tf.tile(ctx.inputs[0]!, ctx.attrs.ints('repeats'))] },
  Split: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const x = ctx.inputs[0]!;
      const axis = normAxis(ctx.attrs.int('axis'), x.rank);
      const sizes = ctx.node.outputs.map((o) => o.shape[axis]!);
      return ctx.tf.split(x, sizes, axis);
    },
  },
};
