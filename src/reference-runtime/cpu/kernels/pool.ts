import { resolvePads } from '../../../opspec/ops/sliding-window.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';

/** The windows of a pool, computed once per node and shared by every (batch, channel) plane. */
export interface PoolWindows {
  /** Per output spatial position: the row-major spatial offsets of the input elements in its window. */
  readonly inside: Int32Array[];
  /** Per output spatial position: how many window positions lie in the input or its explicit padding. */
  readonly padded: Int32Array;
  readonly inSpatial: number;
  readonly outSpatial: number;
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Walks every index of a shape in row-major order, calling fn with the flat index and the coordinates. */
function forEachIndex(shape: readonly number[], fn: (flat: number, coords: readonly number[]) => void): void {
  const coords = new Array<number>(shape.length).fill(0);
  const total = product(shape);
  for (let flat = 0; flat < total; flat++) {
    fn(flat, coords);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d]! < shape[d]!) break;
      coords[d] = 0;
    }
  }
}

export function poolWindows(x: Tensor, outDims: readonly number[], attrs: ConcreteAttrs): PoolWindows {
  const inDims = x.shape.slice(2);
  const kernel = attrs.ints('kernel_shape');
  const strides = attrs.ints('strides');
  // Versions without a dilations attribute (AveragePool before 19, LpPool before 18) never bind one.
  const dilations = attrs.has('dilations') ? attrs.ints('dilations') : kernel.map(() => 1);
  const pads = resolvePads(inDims, kernel, { strides, dilations, pads: attrs.ints('pads'), autoPad: attrs.str('auto_pad') });
  const s = inDims.length;
  const inStrides = stridesOf(inDims);
  const outSpatial = product(outDims);
  const inside: Int32Array[] = [];
  const padded = new Int32Array(outSpatial);
  const offsets: number[] = [];
  forEachIndex(outDims, (o, outPos) => {
    offsets.length = 0;
    forEachIndex(kernel, (_, kPos) => {
      let offset = 0;
      let inInput = true;
      let inPadding = true;
      for (let d = 0; d < s; d++) {
        const pos = outPos[d]! * strides[d]! - pads[d]! + kPos[d]! * dilations[d]!;
        if (pos < 0 || pos >= inDims[d]!) inInput = false;
        // With ceil_mode the last window may reach past the end padding; those positions never count.
        if (pos < -pads[d]! || pos >= inDims[d]! + pads[d + s]!) inPadding = false;
        offset += pos * inStrides[d]!;
      }
      if (inInput) offsets.push(offset);
      if (inPadding) padded[o]!++;
    });
    inside.push(Int32Array.from(offsets));
  });
  return { inside, padded, inSpatial: product(inDims), outSpatial };
}

/** A pool whose output element is a function of its window's input values (and window counts). */
function windowedPool(
  reduce: (attrs: ConcreteAttrs) => (x: Float64Array, base: number, window: Int32Array, padded: number) => number,
): Kernel {
  return ({ inputs, attrs, outputs }) => {
    const x = inputs[0]!;
    const out = outputs[0]!;
    const w = poolWindows(x, out.shape.slice(2), attrs);
    const fold = reduce(attrs);
    const planes = x.shape[0]! * x.shape[1]!;
    const data = new Float64Array(planes * w.outSpatial);
    for (let plane = 0; plane < planes; plane++) {
      for (let o = 0; o < w.outSpatial; o++) data[plane * w.outSpatial + o] = fold(x.data, plane * w.inSpatial, w.inside[o]!, w.padded[o]!);
    }
    return [result(out, data)];
  };
}

/**
 * What an average over a window divides by: the window's positions in the input, or with
 * count_include_pad also those in the explicit padding.
 */
export function averageDivisor(attrs: ConcreteAttrs): (window: Int32Array, padded: number) => number {
  const includePad = attrs.int('count_include_pad') === 1;
  return (window, padded) => (includePad ? padded : window.length);
}

const averagePoolKernel = windowedPool((attrs) => {
  const divisor = averageDivisor(attrs);
  return (x, base, window, padded) => {
    let sum = 0;
    for (const off of window) sum += x[base + off]!;
    return sum / divisor(window, padded);
  };
});

const lpPoolKernel = windowedPool((attrs) => {
  const p = attrs.int('p');
  return (x, base, window) => {
    let sum = 0;
    for (const off of window) sum += Math.abs(x[base + off]!) ** p;
    return sum ** (1 / p);
  };
});

/** The column-major flat index of a row-major spatial offset (MaxPool's storage_order 1). */
function columnMajor(offset: number, dims: readonly number[]): number {
  let index = 0;
  let scale = 1;
  const rowStrides = stridesOf(dims);
  for (let d = 0; d < dims.length; d++) {
    index += (Math.floor(offset / rowStrides[d]!) % dims[d]!) * scale;
    scale *= dims[d]!;
  }
  return index;
}

/** The offset of the window's first maximum in window order (the element MaxPool outputs and indexes). */
export function firstMaxOffset(x: Float64Array, base: number, window: Int32Array): number {
  let best = window[0]!;
  for (const off of window) if (x[base + off]! > x[base + best]!) best = off;
  return best;
}

/** Max over each window, and optionally the flat index of the (first) maximum in the whole input. */
const maxPoolKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const [out, indicesType] = outputs;
  const w = poolWindows(x, out!.shape.slice(2), attrs);
  const inDims = x.shape.slice(2);
  // MaxPool-1 has no storage_order (row-major indices, which it has no output for anyway).
  const columnOrder = attrs.has('storage_order') && attrs.int('storage_order') === 1;
  const planes = x.shape[0]! * x.shape[1]!;
  const data = new Float64Array(planes * w.outSpatial);
  const indices = new Float64Array(planes * w.outSpatial);
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * w.inSpatial;
    for (let o = 0; o < w.outSpatial; o++) {
      const best = firstMaxOffset(x.data, base, w.inside[o]!);
      data[plane * w.outSpatial + o] = x.data[base + best]!;
      indices[plane * w.outSpatial + o] = base + (columnOrder ? columnMajor(best, inDims) : best);
    }
  }
  return indicesType ? [result(out!, data), result(indicesType, indices)] : [result(out!, data)];
};

/** Reduces each (batch, channel) plane to one value. */
function globalPool(fold: (plane: Float64Array) => number): Kernel {
  return ({ inputs, outputs }) => {
    const x = inputs[0]!;
    const size = product(x.shape.slice(2));
    const planes = x.shape[0]! * x.shape[1]!;
    const data = new Float64Array(planes);
    for (let p = 0; p < planes; p++) data[p] = fold(x.data.subarray(p * size, (p + 1) * size));
    return [result(outputs[0]!, data)];
  };
}

export const poolKernels = {
  MaxPool: maxPoolKernel,
  AveragePool: averagePoolKernel,
  LpPool: lpPoolKernel,
  GlobalAveragePool: globalPool((plane) => plane.reduce((a, b) => a + b, 0) / plane.length),
  GlobalMaxPool: globalPool((plane) => plane.reduce((a, b) => Math.max(a, b), -Infinity)),
};
