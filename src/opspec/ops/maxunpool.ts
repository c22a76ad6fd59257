import { add, and, c, constValue, eq, FALSE, ge, lt, mul, product, rule, sub, type BoolExpr, type IntExpr } from '../expr.js';
import { interval } from '../interval.js';
import { facts } from '../numeric.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { distinctPositions } from './index-values.js';

/** The spatial dims MaxUnpool infers: (in - 1) * stride + kernel - pads at both ends. */
function inferredSpatial(ctx: SpecContext): IntExpr[] {
  const x = ctx.inputs[0]!;
  const s = x.shape.length - 2;
  const kernel = ctx.ints('kernel_shape');
  const strides = ctx.ints('strides');
  const pads = ctx.ints('pads');
  return x.shape.slice(2).map((d, i) => sub(add(mul(sub(d, 1), strides[i]!), kernel[i]!), add(pads[i]!, pads[i + s]!)));
}

/** The output shape: the output_shape input when given, else [N, C, inferred spatial dims]. */
function outputShape(ctx: SpecContext): IntExpr[] {
  const x = ctx.inputs[0]!;
  return ctx.inputs[2] ? [...ctx.ints('output_shape')] : [x.shape[0]!, x.shape[1]!, ...inferredSpatial(ctx)];
}

/**
 * MaxUnpool (9, 11): the inverse of MaxPool with Indices. Every element of X goes to the flat
 * position its index names in the output (N x C x spatial, indices as MaxPool makes them), the rest
 * is zero. The generator draws distinct positions within each element's own (n, c) plane, since two
 * elements sent to one place would leave the result to the order of writes.
 */
function maxUnpool(version: 9 | 11): OpSpec {
  return {
    name: 'MaxUnpool',
    sinceVersion: version,
    ...(version === 9 ? { supersededAt: 11 } : {}),
    dtypes: FLOATS,
    inputs: [
      { name: 'X', rank: [3, 5] },
      {
        name: 'I',
        dtype: 'int64',
        rank: (r) => r[0]!,
        // Flat positions in the inferred shape (ONNX's reference places them there, then pads to output_shape).
        valueRange: (ctx) => [c(0), sub(product([ctx.inputs[0]!.shape[0]!, ctx.inputs[0]!.shape[1]!, ...inferredSpatial(ctx)]), 1)],
        drawValues: (ctx, shape, draw) => {
          const [n, ch, ...spatial] = shape;
          const plane = product(inferredSpatial(ctx));
          const size = constValue(plane)!;
          const elements = spatial.reduce((a, b) => a * b, 1);
          const values: number[] = [];
          for (let p = 0; p < n! * ch!; p++) values.push(...distinctPositions(elements, size, draw).map((pos) => p * size + pos));
          return values;
        },
      },
      { name: 'output_shape', dtype: 'int64', rank: () => 1, optional: true, constantFrom: 'output_shape' },
    ],
    attrs: (ranks) => {
      const r = ranks[0]!;
      const s = r - 2;
      return {
        kernel_shape: { kind: 'ints', length: s, domain: [1, 4] },
        strides: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) },
        pads: { kind: 'ints', length: 2 * s, domain: [0, 2], default: new Array<number>(2 * s).fill(0) },
        output_shape: { kind: 'ints', length: r, domain: [1, 24] },
      };
    },
    requires: (ctx) => {
      const [x, indices, given] = ctx.inputs;
      const r = x!.shape.length;
      const s = r - 2;
      const kernel = ctx.ints('kernel_shape');
      const strides = ctx.ints('strides');
      const pads = ctx.ints('pads');
      if (kernel.length !== s || strides.length !== s || pads.length !== 2 * s) return [rule(`kernel_shape and strides have ${s} values, pads ${2 * s}`, FALSE)];
      const rules: BoolExpr[] = [];
      x!.shape.forEach((d, i) => rules.push(rule(`I dim ${i} = X dim ${i}`, eq(indices!.shape[i]!, d))));
      kernel.forEach((k, i) => rules.push(rule('kernel_shape >= 1', ge(k, 1)), rule('strides >= 1', ge(strides[i]!, 1))));
      pads.forEach((p, i) => rules.push(rule('pads in [0, kernel)', and(ge(p, 0), lt(p, kernel[i % s]!)))));
      const inferred = inferredSpatial(ctx);
      // Room for every element of a plane at its own position.
      inferred.forEach((d, i) => rules.push(rule(`inferred spatial dim ${i} >= X's`, ge(d, x!.shape[i + 2]!))));
      if (given) {
        const shape = ctx.ints('output_shape');
        if (shape.length !== r) return [...rules, rule(`output_shape has ${r} values`, FALSE)];
        rules.push(rule('output_shape[0] = N', eq(shape[0]!, x!.shape[0]!)), rule('output_shape[1] = C', eq(shape[1]!, x!.shape[1]!)));
        // A larger output resolves what the strides leave ambiguous (as MaxPool's ceil or padding): less than one stride more.
        inferred.forEach((d, i) =>
          rules.push(rule(`output_shape[${i + 2}] in [inferred, inferred + stride)`, and(ge(shape[i + 2]!, d), lt(shape[i + 2]!, add(d, strides[i]!))))),
        );
      }
      return rules;
    },
    outputs: (ctx) => [{ dtype: ctx.inputs[0]!.dtype, shape: outputShape(ctx) }],
    numeric: facts({
      range: { forward: ([x]) => interval(Math.min(0, x!.lo), Math.max(0, x!.hi), { integral: x!.integral === true, zeros: true }) },
      exactness: { kind: 'copies', zero: true },
    }),
  };
}

export const maxUnpool9 = maxUnpool(9);
export const maxUnpool11 = maxUnpool(11);
