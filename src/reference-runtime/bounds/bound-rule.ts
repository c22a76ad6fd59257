import type { DType } from '../../ir/dtype.js';
import type { Node } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { floatFormat } from '../../ir/float-format.js';
import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import { broadcastStrides, forEachBroadcast } from '../cpu/indexing.js';

/**
 * How much error a correct implementation of one op may add at each output element, beyond what
 * its inputs carry: a SUT's declared precision for the op (WGSL's exp: 3 + 2|x| ULP, say) widens
 * the allowance the op's rule gives a correctly rounded float32 implementation.
 */
export interface OpAllowance {
  /** Relative: this many float32 units in the last place (2^-23 |y|) of the result. */
  readonly ulp?: number;
  /** Absolute, whatever the result. */
  readonly absolute?: number;
}

/** What a bound rule sees of one node of the reference run. */
export interface BoundArgs {
  readonly node: Node;
  readonly attrs: ConcreteAttrs;
  /** The reference's (float64) values of the node's inputs; undefined for an omitted optional input. */
  readonly inputs: readonly (Tensor | undefined)[];
  /**
   * Per input, a bound on the absolute error each element carries into the node (a correct float32
   * computation of what produced it may be that far from the reference); undefined where the input
   * is exact (a graph input, a weight, an integer, an exact op's copy of one).
   */
  readonly inputBounds: readonly (Float64Array | undefined)[];
  readonly outputs: readonly Tensor[];
  readonly outputTypes: readonly ConcreteType[];
  /**
   * Runs a CPU kernel on other inputs of the same shapes: the node's own op by default, another
   * one's (ReduceMax for ReduceLogSumExp) when named, with other attributes when given.
   */
  readonly rerun: (inputs: readonly (Tensor | undefined)[], options?: { op?: string; attrs?: ConcreteAttrs; outputTypes?: readonly ConcreteType[] }) => Tensor[];
}

/**
 * A bound rule: per output, the bound on each element's error (its inputs' errors carried through
 * the op, plus the op's own rounding in the output's dtype), or undefined for an output that is
 * exact (an integer, a bool, a copy of exact values).
 */
export type BoundRule = (args: BoundArgs) => readonly (Float64Array | undefined)[];

/** The unit roundoff of a float dtype: half an ulp of 1. */
export function unitRoundoff(dtype: DType): number {
  return floatFormat(dtype)?.unitRoundoff ?? 2 ** -24;
}

/** The accumulated rounding of n operations (Higham's gamma_n): n u / (1 - n u), or Infinity past 1. */
export function gamma(n: number, unit: number): number {
  const nu = n * unit;
  return nu >= 1 ? Infinity : nu / (1 - nu);
}

/** A tensor with the same shape and dtype as `like` holding `data`. */
export function tensorLike(like: Tensor, data: Float64Array): Tensor {
  return { dtype: like.dtype, shape: like.shape, data };
}

/** An input's bound as a tensor of its shape (zeros where it is exact). */
export function boundTensor(input: Tensor, bound: Float64Array | undefined): Tensor {
  return tensorLike(input, bound ?? new Float64Array(input.data.length));
}

/** |x| elementwise, as a tensor of x's shape. */
export function absTensor(x: Tensor): Tensor {
  return tensorLike(x, Float64Array.from(x.data, Math.abs));
}

/** |x| + bound elementwise: the largest magnitude each element may have in a float32 computation. */
export function widenedAbs(x: Tensor, bound: Float64Array | undefined): Tensor {
  return tensorLike(x, Float64Array.from(x.data, (v, i) => Math.abs(v) + (bound?.[i] ?? 0)));
}

/** x + sign * bound elementwise. */
export function shifted(x: Tensor, bound: Float64Array | undefined, sign: number): Tensor {
  if (!bound) return x;
  return tensorLike(x, Float64Array.from(x.data, (v, i) => v + sign * bound[i]!));
}

/** Elementwise sum of bounds (absent ones count as zero); NaN becomes Infinity: an unknowable error. */
export function addBounds(...parts: readonly (Float64Array | undefined)[]): Float64Array | undefined {
  const present = parts.filter((p): p is Float64Array => p !== undefined);
  if (present.length === 0) return undefined;
  const out = new Float64Array(present[0]!.length);
  for (const p of present) for (let i = 0; i < out.length; i++) out[i] = out[i]! + p[i]!;
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i]!)) out[i] = Infinity;
  return out;
}

/** The op's own rounding: `units` unit roundoffs of each |y|. */
export function ownRounding(y: Tensor, units: number, unit: number): Float64Array {
  return Float64Array.from(y.data, (v) => units * unit * Math.abs(v));
}

/** An input's bound broadcast to an output shape (zeros where exact). */
export function broadcastBound(input: Tensor | undefined, bound: Float64Array | undefined, outShape: readonly number[]): Float64Array | undefined {
  if (!input || !bound) return undefined;
  const size = outShape.reduce((a, b) => a * b, 1);
  if (input.shape.length === outShape.length && input.shape.every((d, i) => d === outShape[i])) return bound;
  const out = new Float64Array(size);
  forEachBroadcast(outShape, [broadcastStrides(input.shape, outShape)], (i, [j]) => (out[i] = bound[j!]!));
  return out;
}

/** Attributes with some float values replaced (Gemm's alpha and beta taken by magnitude). */
export function withFloats(attrs: ConcreteAttrs, floats: Readonly<Record<string, number>>): ConcreteAttrs {
  return { ...attrs, float: (name) => (name in floats ? floats[name]! : attrs.float(name)), has: (name) => name in floats || attrs.has(name) };
}


/** The largest element (0 for none), without spreading a large array into arguments. */
export function largest(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  return m;
}
