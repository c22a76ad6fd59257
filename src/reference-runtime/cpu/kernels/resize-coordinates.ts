/**
 * Resize's per-axis geometry: where an output coordinate falls in the input (the coordinate
 * transformation modes) and which input elements it reads with which weights (the interpolation
 * modes). Everything is float64, evaluated in the order ONNX's reference evaluates it.
 */

/** One resized axis. */
export interface AxisResize {
  readonly inLen: number;
  readonly outLen: number;
  /** The scale of the coordinate formulas: the given scale, or outLen / inLen when sizes are given. */
  readonly scale: number;
  /**
   * The output width before flooring: inLen * scale with scales (fractional when the product is),
   * exactly outLen with sizes. align_corners and tf_crop_and_resize divide by it, as ONNX's
   * reference and its conformance data do.
   */
  readonly width: number;
  /** This axis's crop box for tf_crop_and_resize, as fractions of the axis. */
  readonly roiStart: number;
  readonly roiEnd: number;
}

export interface ResizeMode {
  readonly interpolation: string;
  readonly coordinates: string;
  readonly nearestMode: string;
  readonly cubicA: number;
  readonly excludeOutside: boolean;
  /** Resize-18: widen the linear and cubic filters by 1 / scale when downscaling. */
  readonly antialias: boolean;
}

/** The input elements one output coordinate reads: clamped indices and their weights. */
export interface Taps {
  readonly index: readonly number[];
  readonly weight: readonly number[];
}

/**
 * x_original for an output coordinate. pytorch_half_pixel follows the ONNX specification's text
 * (0 when the resized length is 1); ONNX's reference uses -0.5 there (onnx/onnx#4275), which only
 * cubic interpolation can tell apart and no conformance test covers.
 */
export function originalCoordinate(mode: string, x: number, a: AxisResize): number {
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / a.scale - 0.5;
    case 'pytorch_half_pixel':
      return a.outLen > 1 ? (x + 0.5) / a.scale - 0.5 : 0;
    case 'align_corners':
      return a.width === 1 ? 0 : (x * (a.inLen - 1)) / (a.width - 1);
    case 'asymmetric':
      return x / a.scale;
    case 'tf_crop_and_resize': {
      const span = a.width === 1 ? ((a.roiEnd - a.roiStart) * (a.inLen - 1)) / 2 : (x * (a.roiEnd - a.roiStart) * (a.inLen - 1)) / (a.width - 1);
      return span + a.roiStart * (a.inLen - 1);
    }
    case 'half_pixel_symmetric': {
      // Centers the integer output inside the fractional one.
      const offset = (a.inLen / 2) * (1 - a.outLen / a.width);
      return offset + (x + 0.5) / a.scale - 0.5;
    }
    default:
      throw new Error(`Resize: unknown coordinate_transformation_mode '${mode}'`);
  }
}

/** The index nearest mode picks for x (before clamping into the axis). */
export function nearestIndex(x: number, nearestMode: string): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac === 0) return floor;
  switch (nearestMode) {
    case 'round_prefer_floor':
      return frac <= 0.5 ? floor : floor + 1;
    case 'round_prefer_ceil':
      return frac < 0.5 ? floor : floor + 1;
    case 'floor':
      return floor;
    case 'ceil':
      return floor + 1;
    default:
      throw new Error(`Resize: unknown nearest_mode '${nearestMode}'`);
  }
}

/** Keys' cubic convolution kernel with coefficient A at distance t >= 0 (ONNX reference's antialias form). */
export function cubicKernel(t: number, A: number): number {
  const t2 = t * t;
  const t3 = t * t2;
  if (t <= 1) return (A + 2) * t3 - (A + 3) * t2 + 1;
  if (t < 2) return A * t3 - 5 * A * t2 + 8 * A * t - 4 * A;
  return 0;
}

/** Keys' cubic convolution weights of the four taps around a point at fraction r past a tap. */
export function cubicCoefficients(r: number, A: number): number[] {
  // |t| <= 1 and 1 < |t| < 2 pieces of the kernel, as ONNX's reference writes them.
  const near = (t: number) => ((A + 2) * t - (A + 3)) * t * t + 1;
  const far = (t: number) => ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return [far(r + 1), near(r), near(1 - r), far(1 - r + 1)];
}

/**
 * Antialiased taps when downscaling by s < 1: the filter is stretched to 1 / s input elements and
 * its weights normalized. As in ONNX's reference, the point sits at a ratio in (0, 1] past its
 * base tap (an input position x at ratio 1 past x - 1), which fixes which side gets the extra tap.
 */
function antialiasTaps(xo: number, s: number, m: ResizeMode): { raw: number[]; weight: number[] } {
  const base = Number.isInteger(xo) ? xo - 1 : Math.floor(xo);
  const ratio = xo - base;
  const linear = m.interpolation === 'linear';
  const start = Math.floor((linear ? -1 : -2) / s) + 1;
  const raw: number[] = [];
  const weight: number[] = [];
  for (let i = start; i < 2 - start; i++) {
    const t = Math.abs((i - ratio) * s);
    raw.push(base + i);
    weight.push(linear ? Math.min(Math.max(1 - t, 0), 1) : cubicKernel(t, m.cubicA));
  }
  const total = weight.reduce((acc, w) => acc + w, 0);
  return { raw, weight: weight.map((w) => w / total) };
}

/**
 * x_original within rounding of a multiple of 1/2, as that multiple. Its exact value is a ratio of
 * small integers; whether it is exactly an input position or a tie decides nearest's pick, and
 * float64 can miss by an ulp ((4 + 0.5) / (9 / 7) - 0.5 gives 2.9999999999999996, not 3).
 */
export function snapToHalf(x: number): number {
  const half = Math.round(x * 2) / 2;
  return Math.abs(x - half) <= 1e-9 ? half : x;
}

/**
 * The taps of one output coordinate, or undefined when tf_crop_and_resize puts it outside the
 * input (it then takes extrapolation_value). Indices outside the axis read its edge; with
 * exclude_outside their weights are dropped and the rest renormalized. Nearest ignores
 * exclude_outside (its single sampling location cannot be renormalized away) and antialias.
 */
export function tapsAt(x: number, a: AxisResize, m: ResizeMode): Taps | undefined {
  const xo = snapToHalf(originalCoordinate(m.coordinates, x, a));
  if (m.coordinates === 'tf_crop_and_resize' && (xo < 0 || xo > a.inLen - 1)) return undefined;
  const clamp = (i: number) => Math.min(Math.max(i, 0), a.inLen - 1);
  if (m.interpolation === 'nearest') return { index: [clamp(nearestIndex(xo, m.nearestMode))], weight: [1] };
  let raw: number[];
  let weight: number[];
  const floor = Math.floor(xo);
  const r = xo - floor;
  if ((m.interpolation === 'linear' || m.interpolation === 'cubic') && m.antialias && a.scale < 1) {
    ({ raw, weight } = antialiasTaps(xo, a.scale, m));
  } else if (r === 0) {
    // On an input element every other tap has weight exactly 0.
    return { index: [clamp(floor)], weight: [1] };
  } else if (m.interpolation === 'linear') {
    raw = [floor, floor + 1];
    weight = [1 - r, r];
  } else if (m.interpolation === 'cubic') {
    raw = [floor - 1, floor, floor + 1, floor + 2];
    weight = cubicCoefficients(r, m.cubicA);
  } else {
    throw new Error(`Resize: unknown mode '${m.interpolation}'`);
  }
  if (m.excludeOutside) {
    weight = weight.map((w, k) => (raw[k]! < 0 || raw[k]! >= a.inLen ? 0 : w));
    const total = weight.reduce((s, w) => s + w, 0);
    weight = weight.map((w) => w / total);
  }
  return { index: raw.map(clamp), weight };
}
