import { c, constValue, floordiv, ge, mul, rule, FALSE, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { ALL } from './dtypes.js';
import { facts } from '../numeric.js';

/** Scales the generator draws: exact binary fractions, so floor(dim * scale) is exact symbolically. */
export const RESIZE_SCALE_CHOICES: readonly number[] = [0.5, 0.75, 1, 1.5, 2, 3];

/** Crop boxes for tf_crop_and_resize, as fractions of each axis (outside [0, 1] extrapolates). */
const ROI_CHOICES: readonly number[] = [-0.25, 0, 0.25, 0.5, 0.75, 1, 1.25];

const COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'] as const;

/**
 * The coordinate modes generated with scales (and half_pixel_symmetric from Resize-19, which is
 * meant for them). align_corners and tf_crop_and_resize divide by the
 * output width, which ONNX's reference takes as input_dim * scale (fractional when the product is
 * not an integer) while onnxruntime takes the integer output dim: with sizes both are the same.
 */
const SCALES_COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'asymmetric'] as const;

const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/**
 * The interpolation modes generated for a rank. Every SUT we know implements linear and cubic only
 * for the image-like cases (2-D, or 3-D trilinear); the kernel handles any rank, so imports of
 * other ranks are accepted.
 */
function generatedModes(rank: number): string[] {
  if (rank === 2) return ['nearest', 'linear', 'cubic'];
  if (rank === 3) return ['nearest', 'linear'];
  return ['nearest'];
}

/** A scale as p / q with q a power of two; undefined when it is not such a fraction. */
export function binaryFraction(scale: number): readonly [p: number, q: number] | undefined {
  for (let q = 1; q <= 2 ** 24; q *= 2) if (Number.isInteger(scale * q)) return [scale * q, q];
  return undefined;
}

/** floor(dim * scale), symbolic when the dim is (the scale then is one of the generated fractions). */
export function scaledDim(dim: IntExpr, scale: number): IntExpr {
  const d = constValue(dim);
  // ONNX's reference multiplies in float64: the float32 scale widened, times the dim.
  if (d !== undefined) return c(Math.floor(d * scale));
  const frac = binaryFraction(scale);
  if (!frac) throw new Error(`Resize: scale ${scale} is not a binary fraction, so floor(dim * scale) has no symbolic form`);
  return floordiv(mul(dim, frac[0]), frac[1]);
}

/** Whether a constant-bound list attribute was given with at least one entry (an empty tensor means absent). */
function given(ctx: SpecContext, name: string, kind: 'floats' | 'ints'): boolean {
  if (!ctx.has(name)) return false;
  return (kind === 'floats' ? ctx.floats(name) : ctx.ints(name)).length > 0;
}

/** The attributes of a Resize version: Resize-18 adds antialias, axes and keep_aspect_ratio_policy, Resize-19 half_pixel_symmetric. */
function resizeAttrs(version: number) {
  return (ranks: readonly number[]): Record<string, AttrSpec> => {
    const r = ranks[0]!;
    const withScales = (ranks[2] ?? 0) > 0;
    const all: readonly string[] = version >= 19 ? [...COORDINATE_MODES, 'half_pixel_symmetric'] : COORDINATE_MODES;
    const generated = all.filter((m) => (withScales ? [...SCALES_COORDINATE_MODES, 'half_pixel_symmetric'] : all).includes(m));
    const modes = generatedModes(r);
    const attrs: Record<string, AttrSpec> = {
      roi: { kind: 'floats', length: 2 * r, choices: ROI_CHOICES },
      scales: { kind: 'floats', length: r, choices: RESIZE_SCALE_CHOICES },
      sizes: { kind: 'ints', length: r, domain: [1, 16] },
      mode: { kind: 'string', choices: modes, accept: ['nearest', 'linear', 'cubic'].filter((m) => !modes.includes(m)), default: 'nearest' },
      coordinate_transformation_mode: { kind: 'string', choices: generated, accept: all.filter((m) => !generated.includes(m)), default: 'half_pixel' },
      nearest_mode: { kind: 'string', choices: NEAREST_MODES, default: 'round_prefer_floor' },
      cubic_coeff_a: { kind: 'float', range: [-0.75, -0.5], default: -0.75 },
      // onnxruntime refuses exclude_outside=1 unless mode is cubic, and an attribute's draw cannot
      // depend on another's: generating 1 would make most Resize models fail to load there.
      exclude_outside: { kind: 'choice', choices: [0], default: 0 },
      extrapolation_value: { kind: 'float', range: [-2, 2], default: 0 },
    };
    if (version >= 18) {
      attrs.antialias = { kind: 'choice', choices: modes.length > 1 ? [0, 1] : [0], default: 0 };
      // Generated with every axis (in some order), so that scales and sizes keep one entry per dim.
      attrs.axes = { kind: 'axes', rank: r, count: [r, r], optional: true };
      // The other policies round a ratio of dims, which has no symbolic form: import only.
      attrs.keep_aspect_ratio_policy = { kind: 'string', choices: ['stretch'], accept: ['not_larger', 'not_smaller'], default: 'stretch' };
    }
    return attrs;
  };
}

/** The resized axes, normalized (all of them without an axes attribute); undefined when invalid. */
function resizedAxes(ctx: SpecContext): number[] | undefined {
  const r = ctx.inputs[0]!.shape.length;
  if (!ctx.has('axes')) return [...Array(r).keys()];
  const axes = allConst(ctx.ints('axes'))?.map((a) => (a < 0 ? a + r : a));
  if (!axes || axes.some((a) => a < 0 || a >= r) || new Set(axes).size !== axes.length) return undefined;
  return axes;
}

function resizeRequires(ctx: SpecContext): BoolExpr[] {
  const axes = resizedAxes(ctx);
  if (!axes) return [rule('axes are distinct and within the rank of X', FALSE)];
  const n = axes.length;
  const hasScales = given(ctx, 'scales', 'floats');
  const hasSizes = given(ctx, 'sizes', 'ints');
  const req: BoolExpr[] = [rule('exactly one of scales and sizes is given', hasScales !== hasSizes ? TRUE : FALSE)];
  if (hasScales) {
    const scales = ctx.floats('scales');
    req.push(rule(`scales has one entry per resized axis (${n})`, scales.length === n ? TRUE : FALSE));
    req.push(rule('scales are positive', scales.every((s) => s > 0 && Number.isFinite(s)) ? TRUE : FALSE));
  }
  if (hasSizes) {
    const sizes = ctx.ints('sizes');
    req.push(rule(`sizes has one entry per resized axis (${n})`, sizes.length === n ? TRUE : FALSE));
    for (const s of sizes) req.push(rule('sizes are not negative', ge(s, 0)));
  }
  if (ctx.has('antialias') && ctx.str('mode') === 'nearest') {
    // ONNX's reference refuses it too: the filter it stretches is the linear or cubic one.
    req.push(rule('antialias is for linear and cubic modes only', constValue(ctx.int('antialias')) === 0 ? TRUE : FALSE));
  }
  if (ctx.str('coordinate_transformation_mode') === 'tf_crop_and_resize') {
    const ok = given(ctx, 'roi', 'floats') && ctx.floats('roi').length === 2 * n;
    req.push(rule(`tf_crop_and_resize needs roi with 2 entries per resized axis (${2 * n})`, ok ? TRUE : FALSE));
  }
  return req;
}

function resizeOutputs(ctx: SpecContext) {
  const x = ctx.inputs[0]!;
  const axes = resizedAxes(ctx)!;
  const shape = [...x.shape];
  if (given(ctx, 'sizes', 'ints')) {
    const sizes = ctx.ints('sizes');
    const policy = ctx.has('keep_aspect_ratio_policy') ? ctx.str('keep_aspect_ratio_policy') : 'stretch';
    if (policy === 'stretch') {
      axes.forEach((a, i) => (shape[a] = sizes[i]!));
    } else {
      const dims = allConst(axes.map((a) => x.shape[a]!));
      const wanted = allConst(sizes);
      if (!dims || !wanted) throw new Error(`Resize: keep_aspect_ratio_policy '${policy}' needs concrete dims and sizes`);
      // One scale for every resized axis; each dim is then rounded half up (ONNX's reference, in float64).
      const ratios = wanted.map((s, i) => s / dims[i]!);
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a, i) => (shape[a] = c(Math.floor(scale * dims[i]! + 0.5))));
    }
  } else {
    if (!given(ctx, 'scales', 'floats')) throw new Error('Resize needs scales or sizes');
    const scales = ctx.floats('scales');
    axes.forEach((a, i) => (shape[a] = scaledDim(x.shape[a]!, scales[i]!)));
  }
  return [{ dtype: x.dtype, shape }];
}

function resizeSpec(sinceVersion: number, supersededAt?: number): OpSpec {
  return {
    name: 'Resize',
    sinceVersion,
    ...(supersededAt === undefined ? {} : { supersededAt }),
    dtypes: ALL,
    inputs: [
      { name: 'X', rank: [1, 8] },
      // The generator stores a constant as the last of `dtypes`: float32.
      { name: 'roi', dtypes: ['float64', 'float32'], rank: () => 1, optional: true, constantFrom: 'roi' },
      { name: 'scales', dtype: 'float32', rank: () => 1, optional: true, constantFrom: 'scales', exclusiveWith: 'sizes' },
      { name: 'sizes', dtype: 'int64', rank: () => 1, optional: true, constantFrom: 'sizes', exclusiveWith: 'scales' },
    ],
    attrs: resizeAttrs(sinceVersion),
    requires: resizeRequires,
    outputs: resizeOutputs,
    numeric: facts({
      // Cubic interpolation overshoots its inputs near a step, past the dtype's edge for inputs near it.
      overflow: 'edge-cases',
    }),
  };
}

/**
 * Resize: nearest, N-linear or N-cubic interpolation to sizes given either by scales
 * (floor(dim * scale)) or by sizes. roi, scales and sizes are constant inputs; roi only matters
 * for tf_crop_and_resize. Resize-18 adds antialias, axes and keep_aspect_ratio_policy; Resize-19
 * the half_pixel_symmetric coordinate mode.
 */
export const resize13 = resizeSpec(13, 18);
export const resize18 = resizeSpec(18, 19);
export const resize19 = resizeSpec(19);
