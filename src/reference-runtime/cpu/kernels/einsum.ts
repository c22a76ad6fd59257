import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import { parseEinsum, planEinsum } from '../../../opspec/einsum-equation.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * An Einsum node as one loop: over every label (the output's, then the summed ones), each operand
 * and the output advance by their strides for it. A label twice in one operand adds its strides
 * (a diagonal); a broadcast dim of size 1 has stride 0.
 */
export interface EinsumLoop {
  /** The extent of each label, output labels first. */
  readonly extents: readonly number[];
  /** Per operand, its stride for each label. */
  readonly operandStrides: readonly (readonly number[])[];
  readonly outputStrides: readonly number[];
}

export function einsumLoop(inputs: readonly Tensor[], attrs: ConcreteAttrs, outputShape: readonly number[]): EinsumLoop {
  const plan = planEinsum(parseEinsum(attrs.str('equation')), inputs.map((x) => x.shape.length));
  const labels = [...plan.output, ...plan.summed];
  const extent = new Map<string, number>();
  plan.operands.forEach((ls, i) => ls.forEach((l, d) => extent.set(l, Math.max(extent.get(l) ?? 1, inputs[i]!.shape[d]!))));
  const operandStrides = plan.operands.map((ls, i) => {
    const x = inputs[i]!;
    const strides = stridesOf(x.shape);
    return labels.map((label) => ls.reduce((s, l, d) => (l === label && x.shape[d] !== 1 ? s + strides[d]! : s), 0));
  });
  const outStrides = stridesOf(outputShape);
  const outputStrides = labels.map((_l, j) => (j < plan.output.length ? outStrides[j]! : 0));
  return { extents: labels.map((l) => extent.get(l)!), operandStrides, outputStrides };
}

/** Calls fn(operand offsets, output offset) for every point of the loop. */
export function forEachEinsumTerm(loop: EinsumLoop, fn: (offsets: readonly number[], out: number) => void): void {
  const n = loop.operandStrides.length;
  forEachBroadcast(loop.extents, [...loop.operandStrides, loop.outputStrides], (_i, offsets) => fn(offsets, offsets[n]!));
}

export const einsumKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const xs = inputs as Tensor[];
  const loop = einsumLoop(xs, attrs, outputs[0]!.shape);
  const data = new Float64Array(outputs[0]!.shape.reduce((p, d) => p * d, 1));
  forEachEinsumTerm(loop, (offsets, out) => {
    let term = 1;
    for (let k = 0; k < xs.length; k++) term *= xs[k]!.data[offsets[k]!]!;
    data[out] = data[out]! + term;
  });
  return [result(outputs[0]!, data)];
};
