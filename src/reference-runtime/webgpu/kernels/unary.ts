import type { WebGpuKernel, WebGpuKernelArgs } from '../program.js';
import type { GpuDType } from '../wgsl.js';
import { outType, unaryKernel } from './elementwise.js';

/**
 * A WGSL helper function and the helpers it calls. A kernel lists the helpers it uses and
 * `helperSource` writes each of them once, callees first.
 */
export interface WgslHelper {
  readonly code: string;
  readonly uses?: readonly WgslHelper[];
}

export function helperSource(...helpers: readonly WgslHelper[]): string {
  const written = new Set<WgslHelper>();
  const lines: string[] = [];
  const write = (h: WgslHelper): void => {
    if (written.has(h)) return;
    written.add(h);
    for (const callee of h.uses ?? []) write(callee);
    lines.push(h.code);
  };
  for (const h of helpers) write(h);
  return lines.join('\n');
}

/** A float attribute as a WGSL f32: the float32 value it rounds to, spelled so that WGSL reads it back exactly. */
export function f32Literal(value: number): string {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw new Error(`a non-finite float attribute (${value}) has no WGSL literal`);
  return `f32(${f})`;
}

/**
 * NaN and infinity tests on the bits. lavapipe's compiler treats float arithmetic as inexact and
 * folds `x != x` to false, so no comparison can find a NaN. `nan_f32` reads its bits from a
 * variable because a constant NaN is a WGSL compile error.
 */
export const FLOAT_CLASS: WgslHelper = {
  code: `fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn sign_bit(x: f32) -> bool { return (bitcast<u32>(x) & 0x80000000u) != 0u; }
fn nan_f32() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn inf_f32() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }`,
};

/**
 * float32 to int32 as the CPU kernels' result() does: truncation toward zero, wrapping modulo 2^32
 * beyond int32's range (WGSL's i32() saturates instead), NaN and infinities to 0. Past 2^31 a
 * float32 is an integer whose low 32 bits are its mantissa shifted left.
 */
export const F32_TO_I32_WRAPPING: WgslHelper = {
  uses: [FLOAT_CLASS],
  code: `fn f32_to_i32_wrapping(x: f32) -> i32 {
  if (is_nan(x) || is_inf(x)) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  let bits = bitcast<u32>(x);
  let shift = ((bits >> 23u) & 0xffu) - 150u;
  let mantissa = (bits & 0x7fffffu) | 0x800000u;
  let low = select(0u, mantissa << shift, shift < 32u);
  return bitcast<i32>(select(low, 0u - low, sign_bit(x)));
}`,
};

/**
 * int32 to float32 rounded to nearest, ties to even (Math.fround's rule; WGSL lets f32() round
 * either way). The high and low halves convert exactly and their one addition rounds correctly.
 */
export const I32_TO_F32_NEAREST: WgslHelper = {
  code: `fn i32_to_f32_nearest(x: i32) -> f32 {
  let high = x & i32(0xffff0000u);
  return f32(high) + f32(x - high);
}`,
};

/**
 * Forms of functions whose lavapipe builtins lose relative precision near 0 (tanh of 1e-3 is off by
 * 3e-5; log near 1 alike), and expm1/log1p, which WGSL lacks. Kahan's compensated forms would be
 * shorter, but lavapipe's compiler reassociates (1 + x) - 1 into x and undoes them: short Taylor
 * series are used below 1/8 (1/4 for expm1 and log1p), where their truncation error is below 1e-9.
 */
const SMALL_ARGUMENT: WgslHelper = {
  uses: [FLOAT_CLASS],
  code: `fn expm1_f32(x: f32) -> f32 {
  if (abs(x) >= 0.25) { return exp(x) - 1.0; }
  return x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x / 40320.0)))))));
}
fn log1p_f32(x: f32) -> f32 {
  if (abs(x) >= 0.25) { return log(1.0 + x); }
  // log(1 + x) = 2 atanh(s) with s = x / (2 + x), and |s| < 1/7 here.
  let s = x / (2.0 + x);
  let z = s * s;
  return 2.0 * s * (1.0 + z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z / 11.0)))));
}
fn tanh_f32(x: f32) -> f32 {
  let a = abs(x);
  if (a > 10.0) { return select(1.0, -1.0, x < 0.0); }
  if (a >= 0.125) { return tanh(x); }
  let z = x * x;
  return x + x * z * (-1.0 / 3.0 + z * (2.0 / 15.0 + z * (-17.0 / 315.0 + z * (62.0 / 2835.0))));
}
fn sinh_f32(x: f32) -> f32 {
  if (abs(x) >= 0.125) { return sinh(x); }
  let z = x * x;
  return x + x * z * (1.0 / 6.0 + z * (1.0 / 120.0 + z * (1.0 / 5040.0 + z / 362880.0)));
}
fn asinh_f32(x: f32) -> f32 {
  let a = abs(x);
  var r: f32;
  if (a < 0.125) {
    let z = a * a;
    r = a * (1.0 + z * (-1.0 / 6.0 + z * (3.0 / 40.0 + z * (-15.0 / 336.0 + z * (105.0 / 3456.0)))));
  } else if (a < 4096.0) {
    // log(a + sqrt(a^2 + 1)) as log1p, which keeps its relative precision near 0
    r = log1p_f32(a + a * a / (1.0 + sqrt(1.0 + a * a)));
  } else {
    // a * a would overflow further out; there sqrt(a^2 + 1) is a in float32
    r = log(a) + 0.6931471805599453;
  }
  return select(r, -r, x < 0.0);
}
fn acosh_f32(x: f32) -> f32 {
  if (x < 1.0) { return nan_f32(); }
  if (x >= 4096.0) { return log(x) + 0.6931471805599453; }
  // log(x + sqrt(x^2 - 1)) as log1p of t = x - 1, exact near 1 where x^2 - 1 would cancel
  let t = x - 1.0;
  return log1p_f32(t + sqrt(t * (x + 1.0)));
}
fn log_f32(x: f32) -> f32 {
  // lavapipe's log near 1 is only accurate in absolute terms; x - 1 is exact there
  if (abs(x - 1.0) < 0.25) { return log1p_f32(x - 1.0); }
  return log(x);
}
fn atanh_f32(x: f32) -> f32 {
  if (abs(x) >= 0.125) { return 0.5 * log((1.0 + x) / (1.0 - x)); }
  let z = x * x;
  return x + x * z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z / 11.0))));
}`,
};

/**
 * Cephes' asinf, acosf and atanf (relative error about 2e-7): lavapipe's asin and acos builtins are
 * off by up to 4e-4, its atan by 2e-5.
 */
const INVERSE_TRIG: WgslHelper = {
  code: `fn asin_f32(x: f32) -> f32 {
  let a = abs(x);
  let far = a > 0.5;
  let z = select(a * a, 0.5 * (1.0 - a), far);
  let s = select(a, sqrt(z), far);
  var p = ((((4.2163199048e-2 * z + 2.4181311049e-2) * z + 4.5470025998e-2) * z + 7.4953002686e-2) * z + 1.6666752422e-1) * z * s + s;
  if (far) { p = 1.5707963267948966 - 2.0 * p; }
  return select(p, -p, x < 0.0);
}
fn acos_f32(x: f32) -> f32 {
  if (x < -0.5) { return 3.141592653589793 - 2.0 * asin_f32(sqrt(0.5 * (1.0 + x))); }
  if (x > 0.5) { return 2.0 * asin_f32(sqrt(0.5 * (1.0 - x))); }
  return 1.5707963267948966 - asin_f32(x);
}
fn atan_f32(x: f32) -> f32 {
  let a = abs(x);
  var base = 0.0;
  var t = a;
  if (a > 2.414213562373095) {
    base = 1.5707963267948966;
    t = -1.0 / a;
  } else if (a > 0.41421356237309503) {
    base = 0.7853981633974483;
    t = (a - 1.0) / (a + 1.0);
  }
  let z = t * t;
  let r = base + ((((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * t + t);
  return select(r, -r, x < 0.0);
}`,
};

/**
 * The error function as the CPU kernel computes it (src/opspec/math.ts), in
 * float32: a power series of positive terms, then 1 - erfc by erfc's continued fraction, and 1
 * from 6 on. The switch is at 1.25, not 2.5: from there 40 levels of the fraction reach a relative
 * 1e-8, and float32's exp(-x^2) costs the series 4e-7 near 2. erfc is for Gelu, whose
 * 1 + erf(x / sqrt 2) would cancel to 0 for negative x.
 */
export const ERF: WgslHelper = {
  uses: [FLOAT_CLASS],
  code: `fn erf_series(x: f32) -> f32 {
  let x2 = 2.0 * x * x;
  var term = x;
  var sum = x;
  for (var n = 1; n < 60; n++) {
    term *= x2 / f32(2 * n + 1);
    sum += term;
    if (term < sum * 1e-8) { break; }
  }
  return 1.1283791670955126 * exp(-x * x) * sum;
}
fn erfc_continued_fraction(x: f32) -> f32 {
  var t = x;
  for (var k = 40; k >= 1; k--) { t = x + f32(k) * 0.5 / t; }
  return exp(-x * x) * 0.5641895835477563 / t;
}
fn erf_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  var r = 1.0;
  if (a < 1.25) { r = erf_series(a); } else if (a < 6.0) { r = 1.0 - erfc_continued_fraction(a); }
  return select(r, -r, x < 0.0);
}
fn erfc_f32(x: f32) -> f32 {
  // the continued fraction itself where 1 - erf would cancel; past 10 erfc underflows float32
  if (is_nan(x) || x < 1.25) { return 1.0 - erf_f32(x); }
  if (x < 10.0) { return erfc_continued_fraction(x); }
  return 0.0;
}`,
};

/** The logistic function without overflow: exp only ever sees -|v|. */
const SIGMOID: WgslHelper = {
  code: `fn sigmoid_f32(v: f32) -> f32 {
  let e = exp(-abs(v));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
}`,
};

/** min(max(v, 0), 1) written with selects so that NaN passes through, as Math.min/max let it. */
const CLAMP01: WgslHelper = {
  code: 'fn clamp01(v: f32) -> f32 { return select(select(v, 1.0, v > 1.0), 0.0, v < 0.0); }',
};

/** A unary kernel whose expression calls WGSL helpers. */
function unaryWith(op: string, helpers: readonly WgslHelper[], expression: (x: string, args: WebGpuKernelArgs) => string): WebGpuKernel {
  return unaryKernel(op, expression, helperSource(...helpers));
}

function inputDtype(args: WebGpuKernelArgs): GpuDType {
  return args.inputs[0]!.dtype;
}

/**
 * Clip: the bounds are optional rank-0 inputs (Clip-6: float attributes); selects (not min/max)
 * keep NaN and make lo > hi give hi.
 */
function clipExpression(x: string, args: WebGpuKernelArgs): string {
  const bound = (input: number, attr: string) =>
    args.inputs[input] ? `input${input}[0]` : args.attrs.has(attr) ? f32Literal(args.attrs.float(attr)) : undefined;
  const lo = bound(1, 'min');
  const hi = bound(2, 'max');
  const low = lo ? `select(${x}, ${lo}, ${x} < ${lo})` : x;
  return hi ? `select(${low}, ${hi}, ${low} > ${hi})` : low;
}

/** Cast between float32, int32 and bool, with the CPU kernel's truncation, wrapping and rounding. */
function castExpression(x: string, from: GpuDType, to: GpuDType): string {
  if (to === 'bool') {
    if (from === 'float32') return `select(0u, 1u, (bitcast<u32>(${x}) & 0x7fffffffu) != 0u)`; // NaN is true, -0 false
    return `select(0u, 1u, ${x} != ${from === 'int32' ? '0' : '0u'})`;
  }
  if (from === to) return x;
  if (to === 'int32') return from === 'float32' ? `f32_to_i32_wrapping(${x})` : `i32(${x})`;
  return from === 'int32' ? `i32_to_f32_nearest(${x})` : `f32(${x})`;
}

/** IsInf: the bit patterns of the infinities the attributes ask for. */
function isInfExpression(x: string, args: WebGpuKernelArgs): string {
  const tests: string[] = [];
  if (args.attrs.int('detect_positive') !== 0) tests.push(`bitcast<u32>(${x}) == 0x7f800000u`);
  if (args.attrs.int('detect_negative') !== 0) tests.push(`bitcast<u32>(${x}) == 0xff800000u`);
  // With neither, x is still read so that the input's binding stays in the pipeline's layout.
  return tests.length > 0 ? `select(0u, 1u, ${tests.join(' || ')})` : `select(0u, 0u, ${x} == ${x})`;
}

/** Sign: -1, 0 or 1, with 0, -0 and NaN their own sign (as the CPU kernel); int32 alike. */
function signExpression(x: string, args: WebGpuKernelArgs): string {
  const t = outType(args);
  return `select(select(${x}, ${t}(-1), ${x} < ${t}(0)), ${t}(1), ${x} > ${t}(0))`;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Elementwise ops of one input. The integer forms (Relu, Abs, Neg, Sign of int32) use the same
 * expressions, which WGSL types by the operand; i32 negation and abs wrap as the CPU kernels do.
 */
export const unaryKernels: Readonly<Record<string, WebGpuKernel>> = {
  Relu: unaryKernel('Relu', (x, args) => `select(${outType(args)}(0), ${x}, ${x} > ${outType(args)}(0))`),
  Sigmoid: unaryWith('Sigmoid', [SIGMOID], (x) => `sigmoid_f32(${x})`),
  Tanh: unaryWith('Tanh', [SMALL_ARGUMENT], (x) => `tanh_f32(${x})`),
  Abs: unaryKernel('Abs', (x) => `abs(${x})`),
  Neg: unaryKernel('Neg', (x) => `-${x}`),
  Exp: unaryKernel('Exp', (x) => `exp(${x})`),
  Log: unaryWith('Log', [SMALL_ARGUMENT], (x) => `log_f32(${x})`),
  Sqrt: unaryKernel('Sqrt', (x) => `sqrt(${x})`),
  Reciprocal: unaryKernel('Reciprocal', (x) => `1.0 / ${x}`),
  Erf: unaryWith('Erf', [ERF], (x) => `erf_f32(${x})`),
  Floor: unaryKernel('Floor', (x) => `floor(${x})`),
  Ceil: unaryKernel('Ceil', (x) => `ceil(${x})`),
  // WGSL's round breaks ties to even, as roundHalfToEven does.
  Round: unaryKernel('Round', (x) => `round(${x})`),
  Sign: unaryKernel('Sign', signExpression),
  Not: unaryKernel('Not', (x) => `select(1u, 0u, ${x} != 0u)`),
  IsNaN: unaryWith('IsNaN', [FLOAT_CLASS], (x) => `select(0u, 1u, is_nan(${x}))`),
  IsInf: unaryKernel('IsInf', isInfExpression),
  Identity: unaryKernel('Identity', (x) => x),

  LeakyRelu: unaryKernel('LeakyRelu', (x, args) => `select(${x}, ${f32Literal(args.attrs.float('alpha'))} * ${x}, ${x} < 0.0)`),
  Elu: unaryWith('Elu', [SMALL_ARGUMENT], (x, args) => `select(${x}, ${f32Literal(args.attrs.float('alpha'))} * expm1_f32(${x}), ${x} < 0.0)`),
  Selu: unaryWith('Selu', [SMALL_ARGUMENT], (x, args) => {
    const alpha = f32Literal(args.attrs.float('alpha'));
    return `${f32Literal(args.attrs.float('gamma'))} * select(${x}, ${alpha} * expm1_f32(${x}), ${x} <= 0.0)`;
  }),
  Celu: unaryWith('Celu', [SMALL_ARGUMENT], (x, args) => {
    const alpha = f32Literal(args.attrs.float('alpha'));
    // max(0, x) + min(0, v) with selects, so that NaN propagates as in Math.max/min
    const negativePart = `${alpha} * expm1_f32(${x} / ${alpha})`;
    return `select(${x}, 0.0, ${x} < 0.0) + select(${negativePart}, 0.0, ${negativePart} > 0.0)`;
  }),
  // 0.5 x (1 + tanh(u)) is x sigmoid(2u), and 1 + erf(z) is erfc(-z): neither cancels for negative x.
  Gelu: unaryWith('Gelu', [ERF, SIGMOID], (x, args) =>
    args.attrs.str('approximate') === 'tanh'
      ? `${x} * sigmoid_f32(${2 * SQRT_2_OVER_PI} * (${x} + 0.044715 * ${x} * ${x} * ${x}))`
      : `0.5 * ${x} * erfc_f32(-${x} * ${Math.SQRT1_2})`,
  ),
  HardSigmoid: unaryWith('HardSigmoid', [CLAMP01], (x, args) => `clamp01(${f32Literal(args.attrs.float('alpha'))} * ${x} + ${f32Literal(args.attrs.float('beta'))})`),
  HardSwish: unaryWith('HardSwish', [CLAMP01], (x) => `${x} * clamp01(${x} / 6.0 + 0.5)`),
  // ln(exp(x) + 1) arranged so that exp never overflows, as the CPU kernel
  Softplus: unaryWith('Softplus', [SMALL_ARGUMENT], (x) => `select(log1p_f32(exp(${x})), ${x} + log1p_f32(exp(-${x})), ${x} > 0.0)`),
  Softsign: unaryKernel('Softsign', (x) => `${x} / (1.0 + abs(${x}))`),

  Sin: unaryKernel('Sin', (x) => `sin(${x})`),
  Cos: unaryKernel('Cos', (x) => `cos(${x})`),
  Tan: unaryKernel('Tan', (x) => `tan(${x})`),
  Asin: unaryWith('Asin', [INVERSE_TRIG], (x) => `asin_f32(${x})`),
  Acos: unaryWith('Acos', [INVERSE_TRIG], (x) => `acos_f32(${x})`),
  Atan: unaryWith('Atan', [INVERSE_TRIG], (x) => `atan_f32(${x})`),
  Sinh: unaryWith('Sinh', [SMALL_ARGUMENT], (x) => `sinh_f32(${x})`),
  Cosh: unaryKernel('Cosh', (x) => `cosh(${x})`),
  Asinh: unaryWith('Asinh', [SMALL_ARGUMENT], (x) => `asinh_f32(${x})`),
  Acosh: unaryWith('Acosh', [SMALL_ARGUMENT], (x) => `acosh_f32(${x})`),
  Atanh: unaryWith('Atanh', [SMALL_ARGUMENT], (x) => `atanh_f32(${x})`),

  Clip: unaryKernel('Clip', clipExpression),
  Cast: unaryWith('Cast', [F32_TO_I32_WRAPPING, I32_TO_F32_NEAREST], (x, args) => castExpression(x, inputDtype(args), args.outputs[0]!.dtype as GpuDType)),
};
