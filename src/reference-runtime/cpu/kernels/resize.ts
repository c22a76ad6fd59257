import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { stridesOf } from '../../../ir/tensor.js';
import { isFloat, result, type Kernel } from '../kernel.js';
import { tapsAt, type AxisResize, type ResizeMode, type Taps } from './resize-coordinates.js';

/** A constant-bound list (roi, scales, sizes) when given with entries; an empty tensor means absent. */
function givenList(attrs: ConcreteAttrs, name: string, kind: 'floats' | 'ints'): readonly number[] | undefined {
  if (!attrs.has(name)) return undefined;
  const list = kind === 'floats' ? attrs.floats(name) : attrs.ints(name);
  return list.length > 0 ? list : undefined;
}

/**
 * Per-axis geometry. Axes outside `axes` (Resize-18) keep scale 1 and the full crop box; with
 * sizes the scale is outLen / inLen, or one common scale under keep_aspect_ratio_policy.
 */
export function resizeGeometry(inShape: readonly number[], outShape: readonly number[], attrs: ConcreteAttrs): AxisResize[] {
  const r = inShape.length;
  const axes = attrs.has('axes') ? attrs.ints('axes').map((a) => (a < 0 ? a + r : a)) : [...Array(r).keys()];
  const scales = givenList(attrs, 'scales', 'floats');
  const sizes = givenList(attrs, 'sizes', 'ints');
  const roi = givenList(attrs, 'roi', 'floats');
  const policy = attrs.has('keep_aspect_ratio_policy') ? attrs.str('keep_aspect_ratio_policy') : 'stretch';
  const scale = new Array<number>(r).fill(1);
  if (scales) {
    axes.forEach((a, i) => (scale[a] = scales[i]!));
  } else if (sizes) {
    axes.forEach((a, i) => (scale[a] = sizes[i]! / inShape[a]!));
    if (policy !== 'stretch') {
      const chosen = axes.map((a) => scale[a]!);
      const common = policy === 'not_larger' ? Math.min(...chosen) : Math.max(...chosen);
      for (const a of axes) scale[a] = common;
    }
  }
  return inShape.map((inLen, d) => {
    const k = axes.indexOf(d);
    // With sizes (stretched) the output width is the size itself, exactly.
    const width = scales || policy !== 'stretch' || k < 0 ? inLen * scale[d]! : outShape[d]!;
    return {
      inLen,
      outLen: outShape[d]!,
      scale: scale[d]!,
      width,
      roiStart: roi && k >= 0 ? roi[k]! : 0,
      roiEnd: roi && k >= 0 ? roi[axes.length + k]! : 1,
    };
  });
}

export function resizeMode(attrs: ConcreteAttrs): ResizeMode {
  return {
    interpolation: attrs.str('mode'),
    coordinates: attrs.str('coordinate_transformation_mode'),
    nearestMode: attrs.str('nearest_mode'),
    cubicA: attrs.float('cubic_coeff_a'),
    excludeOutside: attrs.int('exclude_outside') !== 0,
    antialias: attrs.has('antialias') && attrs.int('antialias') !== 0,
  };
}

/**
 * An interpolated value within rounding of an integer, as that integer. Integer outputs truncate,
 * and a float64 sum of rational weights can land a hair below the integer the exact sum is
 * (-4 * 2/3 + 5 * 1/3 gives -1.0000000000000007 or -0.9999999999999998 depending on order).
 */
function snapToInteger(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) <= 1e-9 * Math.max(1, Math.abs(v)) ? r : v;
}

/**
 * Which input elements each output element reads: per axis, per output coordinate, its taps, or
 * undefined where tf_crop_and_resize puts that coordinate outside the input. The forward kernel and
 * the gradient both read it, so they cannot disagree on coordinates or weights.
 */
export interface ResizeTaps {
  readonly perAxis: readonly (readonly (Taps | undefined)[])[];
  readonly inStrides: readonly number[];
  readonly outShape: readonly number[];
}

export function resizeTaps(inShape: readonly number[], outShape: readonly number[], attrs: ConcreteAttrs): ResizeTaps {
  const mode = resizeMode(attrs);
  const perAxis = resizeGeometry(inShape, outShape, attrs).map((g) => Array.from({ length: g.outLen }, (_, i) => tapsAt(i, g, mode)));
  return { perAxis, inStrides: stridesOf(inShape), outShape };
}

/**
 * Visits the output elements in row-major order with their taps along every axis, or undefined
 * when some axis puts the element outside the input (it then takes extrapolation_value). The taps
 * array is reused between visits.
 */
export function forEachResizedElement(taps: ResizeTaps, visit: (flat: number, current: readonly Taps[] | undefined) => void): void {
  const rank = taps.outShape.length;
  const total = taps.outShape.reduce((a, b) => a * b, 1);
  const coord = new Array<number>(rank).fill(0);
  const current: Taps[] = new Array<Taps>(rank);
  for (let flat = 0; flat < total; flat++) {
    let outside = false;
    for (let d = 0; d < rank; d++) {
      const t = taps.perAxis[d]![coord[d]!];
      if (!t) outside = true;
      else current[d] = t;
    }
    visit(flat, outside ? undefined : current);
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d]! < taps.outShape[d]!) break;
      coord[d] = 0;
    }
  }
}

/**
 * The (input index, weight) pairs one output element is the weighted sum of: the tensor product of
 * its per-axis taps, each weight the product of the axis weights. An index can occur more than once
 * (clamped edge taps); its weights then add up.
 */
export function forEachContribution(taps: ResizeTaps, current: readonly Taps[], visit: (index: number, weight: number) => void): void {
  contributionsFrom(taps, current, visit, 0, 0, 1);
}

/** The contributions over axes d and on, for the offset and weight product of the axes before. */
function contributionsFrom(
  taps: ResizeTaps,
  current: readonly Taps[],
  visit: (index: number, weight: number) => void,
  d: number,
  offset: number,
  weight: number,
): void {
  if (d === current.length) {
    visit(offset, weight);
    return;
  }
  const t = current[d]!;
  for (let k = 0; k < t.index.length; k++) contributionsFrom(taps, current, visit, d + 1, offset + t.index[k]! * taps.inStrides[d]!, weight * t.weight[k]!);
}

/**
 * The interpolated value of one output element: the same weighted sum forEachContribution lists,
 * evaluated innermost axis first as ONNX's reference interpolates one axis at a time (the rounding
 * of that order is what its conformance data holds).
 */
function interpolate(x: Float64Array, taps: ResizeTaps, current: readonly Taps[], d: number, offset: number): number {
  if (d === current.length) return x[offset]!;
  const t = current[d]!;
  let sum = 0;
  for (let k = 0; k < t.index.length; k++) sum += t.weight[k]! * interpolate(x, taps, current, d + 1, offset + t.index[k]! * taps.inStrides[d]!);
  return sum;
}

/**
 * Resize as a tensor product of per-axis taps. An output element that tf_crop_and_resize puts
 * outside the input along any axis takes extrapolation_value.
 */
export const resizeKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const taps = resizeTaps(x.shape, out.shape, attrs);
  const integral = !isFloat(out.dtype);
  const extrapolation = attrs.float('extrapolation_value');
  const data = new Float64Array(out.shape.reduce((a, b) => a * b, 1));
  forEachResizedElement(taps, (flat, current) => {
    const v = current ? interpolate(x.data, taps, current, 0, 0) : extrapolation;
    data[flat] = integral ? snapToInteger(v) : v;
  });
  return [result(out, data)];
};
