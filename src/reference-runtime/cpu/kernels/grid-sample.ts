import type { Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { result, type Kernel } from '../kernel.js';

/**
 * GridSample (16: 2-D with bilinear/nearest/bicubic; 20: N-D with linear/nearest/cubic), as
 * PyTorch's grid_sample computes it (the ONNX conformance data come from it): the grid's last
 * dim holds normalized coordinates, x (the innermost spatial axis) first. Linear and nearest pad
 * the coordinate (border clamps it, reflection reflects and clamps it) and read zeros outside;
 * cubic pads each of its four taps' indices instead. Nearest rounds half to even.
 */

/** One input index an output element reads along one axis, its weight, and d weight / d grid value. */
export interface AxisTap {
  /** The index along the axis, or -1 for a zero read (zeros padding outside the input). */
  readonly index: number;
  readonly weight: number;
  readonly slope: number;
}

/** What one axis of one output element reads. */
export interface AxisSample {
  readonly taps: readonly AxisTap[];
  /** The unnormalized coordinate (after padding, for linear and nearest). */
  readonly coord: number;
  /** d coord / d grid value. */
  readonly scale: number;
}

export type SampleMode = 'linear' | 'nearest' | 'cubic';

export interface GridSampleOptions {
  readonly mode: SampleMode;
  readonly padding: string;
  readonly alignCorners: boolean;
}

export function gridSampleOptions(attrs: ConcreteAttrs): GridSampleOptions {
  const mode = attrs.has('mode') ? attrs.str('mode') : 'linear';
  return {
    mode: mode === 'bilinear' ? 'linear' : mode === 'bicubic' ? 'cubic' : (mode as SampleMode),
    padding: attrs.has('padding_mode') ? attrs.str('padding_mode') : 'zeros',
    alignCorners: attrs.has('align_corners') && attrs.int('align_corners') === 1,
  };
}

/** Reflects x into [lo, hi] (PyTorch's reflect_coordinates), with d result / d x (+1 or -1). */
function reflect(x: number, lo: number, hi: number): { value: number; slope: number } {
  const span = hi - lo;
  if (span <= 0) return { value: 0, slope: 0 };
  const side = x < lo ? -1 : 1;
  const dist = Math.abs(x - lo);
  const extra = dist % span;
  const flips = Math.floor(dist / span);
  return flips % 2 === 0 ? { value: lo + extra, slope: side } : { value: hi - extra, slope: -side };
}

/** Applies border or reflection padding to a coordinate along an axis of `size`, with its slope. */
function pad(x: number, size: number, o: GridSampleOptions): { value: number; slope: number } {
  let value = x;
  let slope = 1;
  if (o.padding === 'reflection') {
    ({ value, slope } = o.alignCorners ? reflect(x, 0, size - 1) : reflect(x, -0.5, size - 0.5));
  }
  if (o.padding === 'border' || o.padding === 'reflection') {
    if (value < 0) return { value: 0, slope: 0 };
    if (value > size - 1) return { value: size - 1, slope: 0 };
  }
  return { value, slope };
}

const A = -0.75;

/** Keys' cubic convolution weights for the taps at -1, 0, 1, 2 from floor(x), t = x - floor(x), and their derivatives in t. */
function cubicWeights(t: number): { w: number[]; dw: number[] } {
  const s = t + 1;
  const u = 1 - t;
  const v = 2 - t;
  return {
    w: [((A * s - 5 * A) * s + 8 * A) * s - 4 * A, ((A + 2) * t - (A + 3)) * t * t + 1, ((A + 2) * u - (A + 3)) * u * u + 1, ((A * v - 5 * A) * v + 8 * A) * v - 4 * A],
    dw: [3 * A * s * s - 10 * A * s + 8 * A, 3 * (A + 2) * t * t - 2 * (A + 3) * t, -(3 * (A + 2) * u * u - 2 * (A + 3) * u), -(3 * A * v * v - 10 * A * v + 8 * A)],
  };
}

const inside = (i: number, size: number) => i >= 0 && i < size;

/** The taps one axis of one output element reads, from its normalized grid value g. */
export function axisSample(g: number, size: number, o: GridSampleOptions): AxisSample {
  const scale = o.alignCorners ? (size - 1) / 2 : size / 2;
  const raw = o.alignCorners ? ((g + 1) / 2) * (size - 1) : ((g + 1) * size - 1) / 2;
  if (o.mode === 'cubic') {
    const base = Math.floor(raw);
    const { w, dw } = cubicWeights(raw - base);
    const taps = w.map((weight, k) => {
      const i = base - 1 + k;
      // Each tap's index is padded on its own (border clamps it; reflection reflects, clamps and truncates it).
      const index = o.padding === 'zeros' ? (inside(i, size) ? i : -1) : Math.trunc(pad(i, size, o).value);
      return { index, weight, slope: dw[k]! * scale };
    });
    return { taps, coord: raw, scale };
  }
  const padded = pad(raw, size, o);
  const x = padded.value;
  const slope = padded.slope * scale;
  if (o.mode === 'nearest') {
    const i = roundHalfEven(x);
    return { taps: [{ index: inside(i, size) ? i : -1, weight: 1, slope: 0 }], coord: x, scale: slope };
  }
  const i0 = Math.floor(x);
  const t = x - i0;
  return {
    taps: [
      { index: inside(i0, size) ? i0 : -1, weight: 1 - t, slope: -slope },
      { index: inside(i0 + 1, size) ? i0 + 1 : -1, weight: t, slope },
    ],
    coord: x,
    scale: slope,
  };
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The shape facts of a GridSample node: batch, channels, input spatial dims, output spatial dims. */
export interface GridLayout {
  readonly batch: number;
  readonly channels: number;
  readonly inDims: readonly number[];
  readonly outSize: number;
  readonly inSize: number;
}

export function gridLayout(x: Tensor, grid: Tensor): GridLayout {
  const inDims = x.shape.slice(2);
  return {
    batch: x.shape[0]!,
    channels: x.shape[1]!,
    inDims,
    inSize: inDims.reduce((a, b) => a * b, 1),
    outSize: grid.shape.slice(1, -1).reduce((a, b) => a * b, 1),
  };
}

/**
 * Calls `visit(n, o, samples)` for every batch entry n and output position o with the samples of
 * each spatial axis (outermost first; the grid lists them innermost first).
 */
export function forEachSamplePoint(x: Tensor, grid: Tensor, o: GridSampleOptions, visit: (n: number, pos: number, samples: readonly AxisSample[]) => void): void {
  const L = gridLayout(x, grid);
  const r = L.inDims.length;
  for (let n = 0; n < L.batch; n++) {
    for (let pos = 0; pos < L.outSize; pos++) {
      const at = (n * L.outSize + pos) * r;
      visit(n, pos, L.inDims.map((size, axis) => axisSample(grid.data[at + (r - 1 - axis)]!, size, o)));
    }
  }
}

/**
 * Calls `tap(offset, weight, partials)` for every combination of the axes' taps that reads the input
 * (zero reads are skipped): the flat offset within one (n, c) plane, the product of the weights, and
 * per axis the product with that axis's weight replaced by its slope.
 */
export function forEachTap(samples: readonly AxisSample[], inDims: readonly number[], tap: (offset: number, weight: number, partials: readonly number[]) => void): void {
  const r = samples.length;
  const chosen = new Array<number>(r).fill(0);
  const walk = (axis: number): void => {
    if (axis === r) {
      let offset = 0;
      for (let a = 0; a < r; a++) {
        const index = samples[a]!.taps[chosen[a]!]!.index;
        if (index < 0) return;
        offset = offset * inDims[a]! + index;
      }
      let weight = 1;
      for (let a = 0; a < r; a++) weight *= samples[a]!.taps[chosen[a]!]!.weight;
      const partials = samples.map((_s, a) => samples.reduce((p, s, b) => p * (b === a ? s.taps[chosen[b]!]!.slope : s.taps[chosen[b]!]!.weight), 1));
      tap(offset, weight, partials);
      return;
    }
    for (let k = 0; k < samples[axis]!.taps.length; k++) {
      chosen[axis] = k;
      walk(axis + 1);
    }
  };
  walk(0);
}

export const gridSampleKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, grid] = inputs as [Tensor, Tensor];
  const o = gridSampleOptions(attrs);
  const L = gridLayout(x, grid);
  const data = new Float64Array(L.batch * L.channels * L.outSize);
  forEachSamplePoint(x, grid, o, (n, pos, samples) => {
    forEachTap(samples, L.inDims, (offset, weight) => {
      for (let ch = 0; ch < L.channels; ch++) data[(n * L.channels + ch) * L.outSize + pos]! += weight * x.data[(n * L.channels + ch) * L.inSize + offset]!;
    });
  });
  return [result(outputs[0]!, data)];
};
