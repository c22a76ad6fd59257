import { reducedAxes } from '../../../opspec/ops/reduce.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import { result, type Kernel, type KernelArgs } from '../kernel.js';

/** Where each input element goes: its output element, and how many inputs each output reduces. */
interface Grouping {
  /** For each input element (row-major), the flat index of the output element it reduces into. */
  readonly target: Int32Array;
  readonly outSize: number;
  /** How many input elements each output element reduces. */
  readonly count: number;
}

/** Maps input elements to output elements for the node's axes (attribute or constant input). */
export function groupByReducedAxes(x: Tensor, attrs: ConcreteAttrs): Grouping {
  const rank = x.shape.length;
  const noop = attrs.has('noop_with_empty_axes') && attrs.int('noop_with_empty_axes') === 1;
  const axes = reducedAxes(rank, attrs.has('axes') ? attrs.ints('axes') : undefined, noop)!;
  const reduced = new Set(axes);
  // Output strides over the input's dims (0 for reduced dims), whatever keepdims says.
  const keptShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
  const outSize = keptShape.reduce((a, b) => a * b, 1);
  const target = new Int32Array(x.data.length);
  const counter = new Array<number>(rank).fill(0);
  let dst = 0;
  for (let i = 0; i < x.data.length; i++) {
    target[i] = dst;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      dst += keptStrides[d]!;
      if (counter[d]! < x.shape[d]!) break;
      dst -= keptStrides[d]! * x.shape[d]!;
      counter[d] = 0;
    }
  }
  return { target, outSize, count: x.data.length / Math.max(outSize, 1) };
}

/**
 * A reduction that folds every input element into its output element from `init`; `finish` turns
 * the folded value and the count of reduced elements into the result. Integer outputs are
 * truncated and wrapped to their dtype by result(), as numpy's astype does.
 */
function foldKernel(init: number, fold: (acc: number, x: number) => number, finish?: (acc: number, count: number) => number): Kernel {
  return ({ inputs, attrs, outputs }: KernelArgs) => {
    const x = inputs[0]!;
    const { target, outSize, count } = groupByReducedAxes(x, attrs);
    const acc = new Float64Array(outSize).fill(init);
    for (let i = 0; i < x.data.length; i++) acc[target[i]!] = fold(acc[target[i]!]!, x.data[i]!);
    if (finish) for (let o = 0; o < outSize; o++) acc[o] = finish(acc[o]!, count);
    return [result(outputs[0]!, acc)];
  };
}

/**
 * ReduceProd. Integer products wrap like the dtype's own multiplication: float64 would lose the low
 * bits once a product passes 2^53, so int32 multiplies with Math.imul and int64 with BigInt. The
 * float64 product (right in magnitude) is what result() checks for overflow.
 */
const reduceProdKernel: Kernel = (args) => {
  const x = args.inputs[0]!;
  const { target, outSize } = groupByReducedAxes(x, args.attrs);
  const product = new Float64Array(outSize).fill(1);
  for (let i = 0; i < x.data.length; i++) product[target[i]!]! *= x.data[i]!;
  if (x.dtype === 'int32') {
    const wrapped = new Float64Array(outSize).fill(1);
    for (let i = 0; i < x.data.length; i++) wrapped[target[i]!] = Math.imul(wrapped[target[i]!]!, x.data[i]!);
    return [result(args.outputs[0]!, wrapped, product)];
  }
  if (x.dtype !== 'int64') return [result(args.outputs[0]!, product)];
  const acc = new BigInt64Array(outSize).fill(1n);
  for (let i = 0; i < x.data.length; i++) acc[target[i]!] = BigInt.asIntN(64, acc[target[i]!]! * BigInt(x.data[i]!));
  return [result(args.outputs[0]!, Float64Array.from(acc, (v) => Number(v)), product)];
};

/** ReduceLogSumExp, shifted by each group's max so that exp() cannot overflow. */
const reduceLogSumExpKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const { target, outSize } = groupByReducedAxes(x, attrs);
  const shift = new Float64Array(outSize).fill(-Infinity);
  for (let i = 0; i < x.data.length; i++) shift[target[i]!] = Math.max(shift[target[i]!]!, x.data[i]!);
  // An infinite max would give inf - inf; unshifted, exp() gives the right limit.
  for (let o = 0; o < outSize; o++) if (!Number.isFinite(shift[o]!)) shift[o] = 0;
  const sums = new Float64Array(outSize);
  for (let i = 0; i < x.data.length; i++) sums[target[i]!]! += Math.exp(x.data[i]! - shift[target[i]!]!);
  const out = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) out[o] = Math.log(sums[o]!) + shift[o]!;
  return [result(outputs[0]!, out)];
};

const sum = (a: number, v: number) => a + v;

export const reduceKernels: Readonly<Record<string, Kernel>> = {
  ReduceSum: foldKernel(0, sum),
  ReduceMean: foldKernel(0, sum, (a, n) => a / n),
  ReduceMax: foldKernel(-Infinity, Math.max),
  ReduceMin: foldKernel(Infinity, Math.min),
  ReduceProd: reduceProdKernel,
  ReduceL1: foldKernel(0, (a, v) => a + Math.abs(v)),
  ReduceL2: foldKernel(0, (a, v) => a + v * v, (a) => Math.sqrt(a)),
  ReduceSumSquare: foldKernel(0, (a, v) => a + v * v),
  ReduceLogSum: foldKernel(0, sum, (a) => Math.log(a)),
  ReduceLogSumExp: reduceLogSumExpKernel,
};
