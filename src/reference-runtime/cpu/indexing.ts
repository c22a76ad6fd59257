import { stridesOf } from '../../ir/tensor.js';

/**
 * Strides that read an input of `inShape` while walking an output of `outShape` under numpy
 * broadcasting: broadcast dims get stride 0.
 */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(inShape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < inShape.length; i++) out[i + offset] = inShape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/** The numpy broadcast of two concrete shapes (assumed compatible). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/**
 * Calls fn(outIndex, offsets) for each element of outShape in row-major order, with each input's
 * flat offset under the given strides. Incremental: no division per element.
 */
export function forEachBroadcast(
  outShape: readonly number[],
  inputStrides: readonly (readonly number[])[],
  fn: (outIndex: number, offsets: readonly number[]) => void,
): void {
  const rank = outShape.length;
  const total = outShape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const counter = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(inputStrides.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    fn(flat, offsets);
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      for (let j = 0; j < inputStrides.length; j++) offsets[j]! += inputStrides[j]![d]!;
      if (counter[d]! < outShape[d]!) break;
      for (let j = 0; j < inputStrides.length; j++) offsets[j]! -= inputStrides[j]![d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}

/** Splits a shape around an axis: outer (before), the axis length, inner (after). */
export function splitAt(shape: readonly number[], axis: number): { outer: number; len: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, len: shape[axis]!, inner };
}
