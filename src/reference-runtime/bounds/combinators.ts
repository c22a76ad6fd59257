import { isFloatDType } from '../../ir/dtype.js';
import type { Tensor } from '../../ir/tensor.js';
import type { ConcreteAttrs } from '../../opspec/infer.js';
import {
  absTensor,
  addBounds,
  boundTensor,
  broadcastBound,
  gamma,
  ownRounding,
  shifted,
  unitRoundoff,
  widenedAbs,
  type BoundArgs,
  type BoundRule,
} from './bound-rule.js';

/**
 * Rule builders shared by op families. Each states one way an op's error behaves, and uses the
 * op's own CPU kernel to carry bounds through it, so a rule never re-implements an op's indexing.
 */

/** Outputs that are exact whatever the inputs carry: integers, bools, shapes, steps (a flip near a jump is the stability checks' matter). */
export const exact: BoundRule = () => [];

/**
 * Outputs whose elements are copies of elements of the `data` inputs (Reshape, Gather, Concat,
 * Where's X and Y), their negations (Neg, Abs) or the largest of a window (MaxPool): the kernel run
 * on the bounds moves each element's bound where its value goes (an exact data input's bound is zero).
 */
export function copies(options: { data?: readonly number[] } = {}): BoundRule {
  const data = options.data ?? [0];
  return (args) => {
    if (!data.some((i) => args.inputBounds[i] !== undefined)) return [];
    const inputs = args.inputs.map((t, i) => {
      if (!t) return t;
      if (data.includes(i)) return boundTensor(t, args.inputBounds[i]);
      return t;
    });
    return args.rerun(inputs).map((t, i) => (args.outputs[i] && isFloatTensor(args.outputs[i]!) ? Float64Array.from(t.data, Math.abs) : undefined));
  };
}

function isFloatTensor(t: Tensor): boolean {
  return isFloatDType(t.dtype);
}

/**
 * Outputs within the largest error of the listed inputs (broadcast): ops that pick one of their
 * inputs per element, or move it by at most as much as it moved (Max, Min, Clip).
 */
export function largestOf(inputs: readonly number[]): BoundRule {
  return (args) => {
    const shape = args.outputs[0]!.shape;
    const parts = inputs.map((i) => broadcastBound(args.inputs[i], args.inputBounds[i], shape)).filter((b): b is Float64Array => b !== undefined);
    if (parts.length === 0) return [];
    const out = new Float64Array(args.outputs[0]!.data.length);
    for (const p of parts) for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, p[i]!);
    return [out];
  };
}

/** What a smooth elementwise op adds of its own: `units` unit roundoffs of |y|, and optionally more from x. */
export interface OwnError {
  readonly units: number;
  /** An absolute error a correct implementation may add, from the input and output values (argument reduction of sin and tan). */
  readonly absolute?: (x: number, y: number, unit: number) => number;
}

/**
 * A continuous elementwise function of its first input (Exp, Tanh, Sqrt, the activations): the
 * error it carries through is the farthest f(x +- b) lies from f(x), computed with the op's kernel
 * (exact for monotone functions and for the convex ones of the set at this scale), plus its own.
 * Where x +- b leaves the domain (Log of a value that may be negative), the bound is infinite.
 */
export function smoothUnary(own: OwnError): BoundRule {
  return (args) => {
    const [x] = args.inputs;
    const y = args.outputs[0]!;
    const unit = unitRoundoff(y.dtype);
    const out = ownRounding(y, own.units, unit);
    if (own.absolute) for (let i = 0; i < out.length; i++) out[i] = out[i]! + own.absolute(x!.data[i]!, y.data[i]!, unit);
    const bound = args.inputBounds[0];
    if (bound) addFarthest(out, y, [args.rerun([shifted(x!, bound, 1), ...args.inputs.slice(1)])[0]!, args.rerun([shifted(x!, bound, -1), ...args.inputs.slice(1)])[0]!]);
    return [out];
  };
}

/** Adds, per element, the farthest any of `moved` lies from `y` (NaN counts as infinitely far). */
function addFarthest(out: Float64Array, y: Tensor, moved: readonly Tensor[]): void {
  for (let i = 0; i < out.length; i++) {
    let far = 0;
    for (const m of moved) {
      const d = Math.abs(m.data[i]! - y.data[i]!);
      far = Math.max(far, Number.isNaN(d) ? Infinity : d);
    }
    out[i] = out[i]! + far;
  }
}

/**
 * A continuous elementwise function of several broadcast inputs, monotone in each (Add, Mul, Div,
 * Pow of a positive base, PRelu): the farthest value over the corners of the inputs' error boxes,
 * one kernel run per corner, plus `units` unit roundoffs of |y|.
 */
export function corners(inputs: readonly number[], own: OwnError): BoundRule {
  return (args) => {
    const y = args.outputs[0]!;
    const unit = unitRoundoff(y.dtype);
    const out = ownRounding(y, own.units, unit);
    if (own.absolute) {
      const x = args.inputs[0]!;
      const xs = broadcastBound(x, x.data, y.shape)!;
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + own.absolute(xs[i]!, y.data[i]!, unit);
    }
    const moving = inputs.filter((i) => args.inputBounds[i] !== undefined);
    if (moving.length === 0) return [out];
    const moved: Tensor[] = [];
    for (let corner = 0; corner < 1 << moving.length; corner++) {
      const shiftedInputs = args.inputs.map((t, i) => {
        const k = moving.indexOf(i);
        return k < 0 || !t ? t : shifted(t, args.inputBounds[i], (corner >> k) & 1 ? 1 : -1);
      });
      moved.push(args.rerun(shiftedInputs)[0]!);
    }
    addFarthest(out, y, moved);
    return [out];
  };
}

/**
 * An op that is a sum of products of its `data` inputs with non-negative coefficients once signs
 * are taken by magnitude (MatMul, Conv, Gemm with |alpha| and |beta|, ReduceSum, AveragePool,
 * CumSum; ReduceProd; the norms, which the triangle inequality bounds the same way): the error it
 * carries through is at most K(|X| + b) - K(|X|), and its own rounding over `roundings` operations
 * at most gamma(roundings) K(|X|) (Higham's bound for sums and dot products).
 */
export function nonNegativeSums(options: {
  data: readonly number[];
  /** How many roundings the longest accumulation of one output element takes. */
  roundings: (args: BoundArgs) => number;
  /** The attributes under which K takes magnitudes (Gemm's alpha and beta by magnitude). */
  attrs?: (attrs: ConcreteAttrs) => ConcreteAttrs;
}): BoundRule {
  return (args) => {
    const attrs = options.attrs ? options.attrs(args.attrs) : args.attrs;
    const withData = (make: (t: Tensor, i: number) => Tensor) => args.inputs.map((t, i) => (t && options.data.includes(i) ? make(t, i) : t));
    const magnitudes = args.rerun(withData((t) => absTensor(t)), { attrs });
    const y = args.outputs[0]!;
    const g = gamma(options.roundings(args), unitRoundoff(y.dtype));
    const own = Float64Array.from(magnitudes[0]!.data, (m) => g * m);
    if (!options.data.some((i) => args.inputBounds[i] !== undefined)) return [own];
    const widened = args.rerun(withData((t, i) => widenedAbs(t, args.inputBounds[i])), { attrs })[0]!;
    const carried = Float64Array.from(widened.data, (w, i) => w - magnitudes[0]!.data[i]!);
    return [addBounds(carried, own)!];
  };
}
