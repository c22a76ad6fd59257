import { broadcastAll, F32, F32_I32, F32_I32_BOOL, trunc, type TF, type TFTensor, type TfjsNodeContext, type TfjsOp, type TfjsOpTable } from './kernel.js';

function unary(dtypes: TfjsOp['dtypes'], f: (tf: TF, x: TFTensor, ctx: TfjsNodeContext) => TFTensor): TfjsOp {
  return { dtypes, run: (ctx) => [f(ctx.tf, ctx.inputs[0]!, ctx)] };
}

function outShape(ctx: TfjsNodeContext): number[] {
  return [...ctx.node.outputs[0]!.shape];
}

function binary(dtypes: TfjsOp['dtypes'], f: (tf: TF, a: TFTensor, b: TFTensor, ctx: TfjsNodeContext) => TFTensor): TfjsOp {
  return { dtypes, run: (ctx) => [f(ctx.tf, ctx.inputs[0]!, ctx.inputs[1]!, ctx)] };
}

/** Integer division truncating toward zero (tfjs floors); exact while |values| < 2^24. */
function intDiv(tf: TF, a: TFTensor, b: TFTensor): TFTensor {
  return tf.cast(trunc(tf, tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32'))), 'int32');
}

function div(tf: TF, a: TFTensor, b: TFTensor): TFTensor {
  return a.dtype === 'int32' ? intDiv(tf, a, b) : tf.div(a, b);
}

function variadic(dtypes: TfjsOp['dtypes'], f: (tf: TF, a: TFTensor, b: TFTensor) => TFTensor, mean = false): TfjsOp {
  return {
    dtypes,
    run: (ctx) => {
      const xs = ctx.inputs.filter((x): x is TFTensor => x !== undefined);
      let acc = xs[0]!;
      for (const x of xs.slice(1)) acc = f(ctx.tf, acc, x);
      acc = ctx.tf.broadcastTo(acc, outShape(ctx));
      return [mean ? ctx.tf.div(acc, ctx.tf.scalar(xs.length, acc.dtype)) : acc];
    },
  };
}

const SQRT1_2 = Math.SQRT1_2;

/** Elementwise unary, binary, variadic, comparison and logical ops, Where, Clip, Cast. */
export const ELEMENTWISE_OPS: TfjsOpTable = {
  Relu: unary(F32_I32, (tf, x) => tf.relu(x)),
  Sigmoid: unary(F32, (tf, x) => tf.sigmoid(x)),
  Tanh: unary(F32, (tf, x) => tf.tanh(x)),
  Abs: unary(F32_I32, (tf, x) => tf.abs(x)),
  Neg: unary(F32_I32, (tf, x) => tf.neg(x)),
  Exp: unary(F32, (tf, x) => tf.exp(x)),
  Log: unary(F32, (tf, x) => tf.log(x)),
  Sqrt: unary(F32, (tf, x) => tf.sqrt(x)),
  Reciprocal: unary(F32, (tf, x) => tf.reciprocal(x)),
  Erf: unary(F32, (tf, x) => tf.erf(x)),
  Floor: unary(F32, (tf, x) => tf.floor(x)),
  Ceil: unary(F32, (tf, x) => tf.ceil(x)),
  Round: unary(F32, (tf, x) => tf.round(x)),
  Sign: unary(F32_I32, (tf, x) => tf.sign(x)),
  Not: unary(['bool'], (tf, x) => tf.logicalNot(x)),
  IsNaN: unary(F32, (tf, x) => tf.isNaN(x)),
  IsInf: unary(F32, (tf, x, ctx) => {
    const neg = ctx.attrs.int('detect_negative') !== 0;
    const pos = ctx.attrs.int('detect_positive') !== 0;
    const inf = tf.isInf(x);
    if (neg && pos) return inf;
    if (!neg && !pos) return tf.zerosLike(inf).cast('bool');
    return tf.logicalAnd(inf, pos ? tf.greater(x, 0) : tf.less(x, 0));
  }),
  Identity: unary(F32_I32_BOOL, (tf, x) => tf.clone(x)),
  Sin: unary(F32, (tf, x) => tf.sin(x)),
  Cos: unary(F32, (tf, x) => tf.cos(x)),
  Tan: unary(F32, (tf, x) => tf.tan(x)),
  Asin: unary(F32, (tf, x) => tf.asin(x)),
  Acos: unary(F32, (tf, x) => tf.acos(x)),
  Atan: unary(F32, (tf, x) => tf.atan(x)),
  Sinh: unary(F32, (tf, x) => tf.sinh(x)),
  Cosh: unary(F32, (tf, x) => tf.cosh(x)),
  Asinh: unary(F32, (tf, x) => tf.asinh(x)),
  Acosh: unary(F32, (tf, x) => tf.acosh(x)),
  Atanh: unary(F32, (tf, x) => tf.atanh(x)),
  LeakyRelu: unary(F32, (tf, x, ctx) => tf.where(tf.less(x, 0), tf.mul(x, ctx.attrs.float('alpha')), x)),
  Elu: unary(F32, (tf, x, ctx) => tf.where(tf.less(x, 0), tf.mul(tf.expm1(x), ctx.attrs.float('alpha')), x)),
  Selu: unary(F32, (tf, x, ctx) =>
    tf.mul(tf.where(tf.lessEqual(x, 0), tf.mul(tf.expm1(x), ctx.attrs.float('alpha')), x), ctx.attrs.float('gamma')),
  ),
  Celu: unary(F32, (tf, x, ctx) => {
    const alpha = ctx.attrs.float('alpha');
    return tf.add(tf.relu(x), tf.minimum(0, tf.mul(tf.expm1(tf.div(x, alpha)), alpha)));
  }),
  Gelu: unary(F32, (tf, x, ctx) => {
    if (ctx.attrs.str('approximate') === 'tanh') {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1));
  }),
  HardSigmoid: unary(F32, (tf, x, ctx) => tf.clipByValue(tf.add(tf.mul(x, ctx.attrs.float('alpha')), ctx.attrs.float('beta')), 0, 1)),
  HardSwish: unary(F32, (tf, x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1))),
  Softplus: unary(F32, (tf, x) => tf.softplus(x)),
  Softsign: unary(F32, (tf, x) => tf.div(x, tf.add(tf.abs(x), 1))),

  Add: binary(F32_I32, (tf, a, b) => tf.add(a, b)),
  Sub: binary(F32_I32, (tf, a, b) => tf.sub(a, b)),
  Mul: binary(F32_I32, (tf, a, b) => tf.mul(a, b)),
  Div: binary(F32_I32, div),
  Pow: {
    dtypes: F32,
    unsupported: (_a, inputs) => (inputs[1]?.dtype === 'float32' ? undefined : `an exponent of dtype ${inputs[1]?.dtype}`),
    run: (ctx) => [ctx.tf.pow(ctx.inputs[0]!, ctx.inputs[1]!)],
  },
  Mod: {
    dtypes: ['int32'],
    run: (ctx) => {
      const { tf } = ctx;
      const [a, b] = [ctx.inputs[0]!, ctx.inputs[1]!];
      // fmod 0: the sign of the divisor (tfjs mod floors); fmod 1: the sign of the dividend.
      if (ctx.attrs.int('fmod') === 0) return [tf.mod(a, b)];
      return [tf.sub(a, tf.mul(intDiv(tf, a, b), b))];
    },
  },
  PRelu: {
    dtypes: F32,
    run: (ctx) => {
      const { tf } = ctx;
      const [x, slope] = broadcastAll(tf, outShape(ctx), [ctx.inputs[0]!, ctx.inputs[1]!]);
      return [tf.where(tf.less(x!, 0), tf.mul(x!, slope!), x!)];
    },
  },
  Max: variadic(F32_I32, (tf, a, b) => tf.maximum(a, b)),
  Min: variadic(F32_I32, (tf, a, b) => tf.minimum(a, b)),
  Sum: variadic(F32_I32, (tf, a, b) => tf.add(a, b)),
  Mean: variadic(F32, (tf, a, b) => tf.add(a, b), true),

  Equal: binary(F32_I32_BOOL, (tf, a, b) => tf.equal(a, b)),
  Less: binary(F32_I32, (tf, a, b) => tf.less(a, b)),
  Greater: binary(F32_I32, (tf, a, b) => tf.greater(a, b)),
  LessOrEqual: binary(F32_I32, (tf, a, b) => tf.lessEqual(a, b)),
  GreaterOrEqual: binary(F32_I32, (tf, a, b) => tf.greaterEqual(a, b)),
  And: binary(['bool'], (tf, a, b) => tf.logicalAnd(a, b)),
  Or: binary(['bool'], (tf, a, b) => tf.logicalOr(a, b)),
  Xor: binary(['bool'], (tf, a, b) => tf.logicalXor(a, b)),

  Where: {
    dtypes: F32_I32_BOOL,
    run: (ctx) => {
      const [c, a, b] = broadcastAll(ctx.tf, outShape(ctx), [ctx.inputs[0]!, ctx.inputs[1]!, ctx.inputs[2]!]);
      return [ctx.tf.where(c!, a!, b!)];
    },
  },
  Clip: {
    dtypes: F32_I32,
    run: (ctx) => {
      const { tf } = ctx;
      let y = ctx.inputs[0]!;
      // Clip-6's bounds are float attributes, Clip-11's scalar inputs.
      const lo = ctx.inputs[1] ?? (ctx.attrs.has('min') ? tf.scalar(ctx.attrs.float('min')) : undefined);
      const hi = ctx.inputs[2] ?? (ctx.attrs.has('max') ? tf.scalar(ctx.attrs.float('max')) : undefined);
      if (lo) y = tf.maximum(y, lo);
      if (hi) y = tf.minimum(y, hi);
      return [lo || hi ? y : tf.clone(y)];
    },
  },
  Cast: {
    dtypes: F32_I32_BOOL,
    unsupported: (attrs) => ([1, 6, 9].includes(attrs.int('to')) ? undefined : `Cast to ONNX type ${attrs.int('to')} (tfjs has float32, int32 and bool only)`),
    run: (ctx) => {
      const { tf } = ctx;
      const x = ctx.inputs[0]!;
      const to = ctx.attrs.int('to');
      if (to === 1) return [tf.cast(x, 'float32')];
      if (to === 9) return [x.dtype === 'bool' ? tf.clone(x) : tf.notEqual(x, tf.scalar(0, x.dtype))];
      // Float to integer truncates toward zero.
      return [x.dtype === 'float32' ? tf.cast(trunc(tf, x), 'int32') : tf.cast(x, 'int32')];
    },
  },
};
