import type { Model } from '../ir/model.js';
import { makeTensor, sizeOf, stridesOf, type Tensor } from '../ir/tensor.js';
import type { Candidate } from './candidate.js';

/** The first `size` entries of a tensor along one axis. */
export function sliceAxis(t: Tensor, axis: number, size: number): Tensor {
  const shape = t.shape.map((d, i) => (i === axis ? size : d));
  const strides = stridesOf(t.shape);
  const outStrides = stridesOf(shape);
  const data = new Float64Array(sizeOf(shape));
  for (let k = 0; k < data.length; k++) {
    let src = 0;
    let rest = k;
    for (let d = 0; d < shape.length; d++) {
      const index = Math.floor(rest / outStrides[d]!);
      rest -= index * outStrides[d]!;
      src += index * strides[d]!;
    }
    data[k] = t.data[src]!;
  }
  return { dtype: t.dtype, shape, data };
}

/** The current value of a graph input or weight. */
export function tensorOf(candidate: Candidate, name: string): Tensor | undefined {
  return candidate.inputs.get(name) ?? candidate.model.weights.find((w) => w.name === name)?.value;
}

/**
 * The candidate with new values for some graph inputs and weights (their declared shapes follow the
 * values). Node output types are left as they were: callers whose edit changes a shape re-derive them.
 */
export function withTensors(candidate: Candidate, replacements: ReadonlyMap<string, Tensor>): Candidate {
  const model: Model = {
    ...candidate.model,
    inputs: candidate.model.inputs.map((i) => {
      const t = replacements.get(i.name);
      return t ? { name: i.name, dtype: t.dtype, shape: [...t.shape] } : i;
    }),
    weights: candidate.model.weights.map((w) => {
      const t = replacements.get(w.name);
      return t ? { ...w, value: t } : w;
    }),
  };
  const inputs = new Map(candidate.inputs);
  for (const [name, t] of replacements) if (inputs.has(name)) inputs.set(name, t);
  return { model, inputs };
}

/** `x` rounded to `digits` significant decimal digits. */
export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/** Ways to make a tensor's values simpler, simplest first (rounding only applies to floats). */
export const VALUE_SIMPLIFICATIONS = ['zeros', 'ones', 'integers', 'one-digit', 'two-digits', 'three-digits'] as const;
export type ValueSimplification = (typeof VALUE_SIMPLIFICATIONS)[number];

const SIGNIFICANT_DIGITS: Partial<Record<ValueSimplification, number>> = { 'one-digit': 1, 'two-digits': 2, 'three-digits': 3 };

/** The tensor with simpler values, or undefined when that changes nothing or does not apply. */
export function simplifyValues(t: Tensor, how: ValueSimplification): Tensor | undefined {
  const isFloat = t.dtype === 'float32' || t.dtype === 'float64';
  let data: Float64Array;
  if (how === 'zeros') data = new Float64Array(t.data.length);
  else if (how === 'ones') data = new Float64Array(t.data.length).fill(1);
  else if (!isFloat) return undefined;
  else if (how === 'integers') data = t.data.map((x) => Math.round(x));
  else data = t.data.map((x) => roundSignificant(x, SIGNIFICANT_DIGITS[how]!));
  const simpler = makeTensor(t.dtype, t.shape, data);
  return simpler.data.every((x, i) => Object.is(x, t.data[i])) ? undefined : simpler;
}
