import { castValues } from '../../../ir/tensor.js';
import { resizeTaps } from '../../cpu/kernels/resize.js';
import type { Taps } from '../../cpu/kernels/resize-coordinates.js';
import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer, type GpuDType } from '../wgsl.js';

/*
 * Resize reads the CPU kernel's own per-axis taps (resizeTaps: coordinate modes, nearest_mode,
 * cubic and antialias weights, tf_crop_and_resize's outside coordinates, all in float64 with its
 * tie snapping) and bakes them into the shader as constant tables, so the GPU cannot round an
 * original coordinate differently. Only the weighted sum runs in float32.
 */

/**
 * The longest table baked into a shader. lavapipe compiles a dynamically indexed constant array in
 * time superlinear in its length (measured here: about 0.3 s at 128 entries, 1 s at 512, 3 s at
 * 1024, 30 s at 2048); an axis needing more stays on the CPU kernel.
 */
const MAX_TABLE_ENTRIES = 512;

/** How one axis maps output coordinates to input elements. */
type AxisPlan =
  /** Output coordinate i reads input element i with weight 1 (an axis Resize leaves alone). */
  | { readonly kind: 'identity' }
  /** One input element per output coordinate, weight 1 (nearest): index[i], or -1 outside the input. */
  | { readonly kind: 'gather'; readonly index: readonly number[]; readonly outside: boolean }
  /**
   * Rows of `stride` slots (the most taps of any coordinate), one per output coordinate:
   * index[i * stride + j] with weight[i * stride + j] its taps, then index -1 in the unused slots.
   * An outside coordinate's row starts with -1.
   */
  | { readonly kind: 'weighted'; readonly stride: number; readonly index: readonly number[]; readonly weight: readonly number[]; readonly outside: boolean };

function isIdentity(taps: readonly (Taps | undefined)[], inLen: number): boolean {
  return taps.length === inLen && taps.every((t, i) => t !== undefined && t.index.length === 1 && t.index[0] === i && t.weight[0] === 1);
}

function axisPlan(taps: readonly (Taps | undefined)[], inLen: number): AxisPlan {
  if (isIdentity(taps, inLen)) return { kind: 'identity' };
  const outside = taps.some((t) => t === undefined);
  if (taps.every((t) => t === undefined || (t.index.length === 1 && t.weight[0] === 1))) {
    return { kind: 'gather', index: taps.map((t) => t?.index[0] ?? -1), outside };
  }
  const stride = Math.max(...taps.map((t) => t?.index.length ?? 0));
  const index: number[] = [];
  const weight: number[] = [];
  for (const t of taps) {
    for (let j = 0; j < stride; j++) {
      const tap = t !== undefined && j < t.index.length;
      index.push(tap ? t.index[j]! : -1);
      weight.push(tap ? t.weight[j]! : 0);
    }
  }
  return { kind: 'weighted', stride, index, weight, outside };
}

/** One plan per axis of X, from the CPU kernel's taps. */
function axisPlans(args: WebGpuKernelArgs): AxisPlan[] {
  const inShape = args.inputs[0]!.shape;
  const taps = resizeTaps(inShape, args.outputs[0]!.shape, args.attrs);
  return taps.perAxis.map((axisTaps, d) => axisPlan(axisTaps, inShape[d]!));
}

function tableLength(plan: AxisPlan): number {
  return plan.kind === 'identity' ? 0 : plan.index.length;
}

/** What the output holds where tf_crop_and_resize leaves the input, as the CPU kernel stores it. */
function extrapolation(args: WebGpuKernelArgs): number {
  const v = args.attrs.float('extrapolation_value');
  if (args.outputs[0]!.dtype === 'float32') return v;
  // The CPU kernel snaps an integer-valued result (its snapToInteger), then stores it as its dtype.
  const r = Math.round(v);
  const snapped = Math.abs(v - r) <= 1e-9 * Math.max(1, Math.abs(v)) ? r : v;
  return castValues(args.outputs[0]!.dtype, Float64Array.of(snapped))[0]!;
}

/** A WGSL f32 literal that parses to the float32 rounding of v (v finite). */
function f32Literal(v: number): string {
  if (Object.is(v, -0)) return '-0.0f';
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? `${s}f` : `${s}.0f`;
}

/** A WGSL literal of the output's type. */
function literal(v: number, dtype: GpuDType): string {
  if (dtype === 'float32') return f32Literal(v);
  return dtype === 'int32' ? `${v}i` : `${v}u`;
}

function validate(args: WebGpuKernelArgs): string | undefined {
  const out = args.outputs[0]!;
  if (out.shape.includes(0)) return undefined;
  const plans = axisPlans(args);
  const longest = Math.max(...plans.map(tableLength));
  if (longest > MAX_TABLE_ENTRIES) return `an axis needs a tap table of ${longest} entries (more than ${MAX_TABLE_ENTRIES} compile too slowly on lavapipe)`;
  const weighted = plans.filter((p) => p.kind === 'weighted');
  // The CPU kernel rounds an integer output's float64 weighted sum (snapped to an integer within
  // 1e-9, else truncated); a float32 sum lands on the other side of such boundaries.
  if (out.dtype !== 'float32' && weighted.length > 0) return `${out.dtype} linear or cubic interpolation (a float64 weighted sum, rounded) has no exact float32 form`;
  if (weighted.some((p) => p.weight.some((w) => !Number.isFinite(w)))) return 'a tap weight is not finite (exclude_outside with every tap outside), which WGSL has no literal for';
  const extrapolated = plans.some((p) => p.kind !== 'identity' && p.outside);
  if (extrapolated && !Number.isFinite(extrapolation(args))) return 'extrapolation_value is not finite, which WGSL has no literal for';
  return undefined;
}

/**
 * The WGSL constants of a program's tables, one per distinct content: a square image resizes both
 * axes alike, and each table costs compile time.
 */
class ConstantTables {
  private readonly names = new Map<string, string>();
  readonly declarations: string[] = [];

  /** The name of a constant array of `type` holding the literals `values`. */
  name(type: 'i32' | 'f32', values: readonly string[]): string {
    const content = `array<${type}, ${values.length}>(${values.join(', ')})`;
    let name = this.names.get(content);
    if (name === undefined) {
      name = `table${this.names.size}`;
      this.names.set(content, name);
      this.declarations.push(`const ${name} = ${content};`);
    }
    return name;
  }
}

/** An axis as the shader reads it: its plan and the names of its tables. */
type AxisCode =
  | { readonly kind: 'identity' }
  | { readonly kind: 'gather'; readonly index: string; readonly outside: boolean }
  | { readonly kind: 'weighted'; readonly stride: number; readonly index: string; readonly weight: string; readonly outside: boolean };

function axisCode(plan: AxisPlan, tables: ConstantTables): AxisCode {
  if (plan.kind === 'identity') return plan;
  const index = tables.name('i32', plan.index.map(String));
  if (plan.kind === 'gather') return { kind: 'gather', index, outside: plan.outside };
  return { kind: 'weighted', stride: plan.stride, index, weight: tables.name('f32', plan.weight.map(f32Literal)), outside: plan.outside };
}

/** A WGSL condition: some axis puts output coordinates c outside the input (tf_crop_and_resize). */
function outsideCondition(axes: readonly AxisCode[]): string | undefined {
  const tests = axes.flatMap((axis, d) => {
    if (axis.kind === 'identity' || !axis.outside) return [];
    return [axis.kind === 'gather' ? `${axis.index}[c[${d}]] < 0` : `${axis.index}[c[${d}] * ${axis.stride}u] < 0`];
  });
  return tests.length > 0 ? tests.join(' || ') : undefined;
}

/**
 * WGSL computing the output element at coordinates c: the CPU kernel's interpolate, a weighted
 * sum over axis d's taps of the value over the axes after it, innermost axis first. Identity and
 * gather axes contribute a coordinate and no sum (the CPU's single weight-1 tap adds to 0 exactly).
 * Returns the statements and the expression holding the value.
 */
function interpolation(axes: readonly AxisCode[], x: TensorIndexer, d: number, coords: readonly string[], indent: string): { lines: string[]; value: string } {
  if (d === axes.length) return { lines: [], value: `input0[${x.offset(coords)}]` };
  const axis = axes[d]!;
  if (axis.kind === 'identity') return interpolation(axes, x, d + 1, [...coords, `c[${d}]`], indent);
  if (axis.kind === 'gather') return interpolation(axes, x, d + 1, [...coords, `u32(${axis.index}[c[${d}]])`], indent);
  const inner = interpolation(axes, x, d + 1, [...coords, `u32(t${d})`], `${indent}  `);
  const lines = [
    `${indent}var sum${d}: f32 = 0.0;`,
    // A bound relative to the row: with a constant one lavapipe unrolls the loops into each other
    // (1 s of compile time for 2-D antialiased cubic taps, 50 ms so).
    `${indent}let row${d} = c[${d}] * ${axis.stride}u;`,
    `${indent}for (var slot${d} = row${d}; slot${d} < row${d} + ${axis.stride}u; slot${d}++) {`,
    `${indent}  let t${d} = ${axis.index}[slot${d}];`,
    `${indent}  if (t${d} < 0) { break; }`,
    ...inner.lines,
    `${indent}  sum${d} += ${axis.weight}[slot${d}] * ${inner.value};`,
    `${indent}}`,
  ];
  return { lines, value: `sum${d}` };
}

/**
 * Statements that reference the bindings the shader reads nothing from (roi, scales, sizes: their
 * values are in the tables; everything when the output is empty): the pipeline's automatic layout
 * keeps only used bindings, and the runtime binds every present input and output.
 */
function touchBindings(args: WebGpuKernelArgs, from: number, output: boolean): string[] {
  const inputs = args.inputs.flatMap((input, i) => (i >= from && input ? [`  _ = &input${i};`] : []));
  return output ? [...inputs, '  _ = &output0;'] : inputs;
}

const resizeKernel: WebGpuKernel = {
  validate,
  program(args) {
    const out = args.outputs[0]!;
    const outAt = new TensorIndexer('out', out.shape);
    if (outAt.size === 0) {
      const wgsl = [bindings(args), entryPoint(0, touchBindings(args, 0, true).join('\n'))].join('\n');
      return { cacheKey: cacheKey('Resize', args), wgsl, threads: 0 };
    }
    const tables = new ConstantTables();
    const axes = axisPlans(args).map((plan) => axisCode(plan, tables));
    const outside = outsideCondition(axes);
    const extrapolated = outside ? literal(extrapolation(args), out.dtype as GpuDType) : '';
    const { lines, value } = interpolation(axes, new TensorIndexer('x', args.inputs[0]!.shape), 0, [], '  ');
    const body = [
      ...touchBindings(args, 1, false),
      '  let c = out_coords(index);',
      ...(outside ? [`  if (${outside}) {`, `    output0[index] = ${extrapolated};`, '    return;', '  }'] : []),
      ...lines,
      `  output0[index] = ${value};`,
    ].join('\n');
    const wgsl = [bindings(args), outAt.coordsFn(), ...tables.declarations, entryPoint(outAt.size, body)].join('\n');
    return { cacheKey: cacheKey('Resize', args, { tables: tables.declarations, axes, extrapolated }), wgsl, threads: outAt.size };
  },
};

export const resizeKernels: Readonly<Record<string, WebGpuKernel>> = { Resize: resizeKernel };
