import { c, constValue, max, sub, type IntExpr } from '../expr.js';
import type { SymTensor } from '../spec.js';

/** How many data dims each index tuple addresses: the indices' last dim, when it is a number. */
export function tupleLengthOf(indices: SymTensor): number | undefined {
  return constValue(indices.shape[indices.shape.length - 1]!);
}

/**
 * The envelope of every tuple component's values: [-d, d-1] for the largest addressed dim d. Each
 * component has its own dim; the kernels check each against it.
 */
export function tupleEnvelope(data: SymTensor, first: number, k: number | undefined): readonly [IntExpr, IntExpr] {
  const dims = data.shape.slice(first, k === undefined ? undefined : first + k);
  const largest = dims.reduce<IntExpr>((m, d) => max(m, d), c(1));
  return [sub(0, largest), sub(largest, 1)];
}

/** The addressed dims of a concrete node. */
export function addressedDims(data: SymTensor, first: number, k: number): number[] {
  return data.shape.slice(first, first + k).map((d) => constValue(d)!);
}
