import type { WebGpuKernel, WebGpuKernelArgs } from '../program.js';
import { broadcastKernel, outType } from './elementwise.js';
import { F32_TO_I32_WRAPPING, FLOAT_CLASS, helperSource, I32_TO_F32_NEAREST, type WgslHelper } from './unary.js';

/** A broadcasting kernel whose expression calls WGSL helpers. */
function broadcastWith(op: string, helpers: readonly WgslHelper[], expression: (xs: readonly string[], args: WebGpuKernelArgs) => string): WebGpuKernel {
  return broadcastKernel(op, expression, helperSource(...helpers));
}

function isIntOp(args: WebGpuKernelArgs): boolean {
  return args.inputs[0]!.dtype === 'int32';
}

/** Integer division truncates toward zero (WGSL's too) and gives 0 for a divisor of 0, as the CPU kernel. */
function divide([a, b]: readonly string[], args: WebGpuKernelArgs): string {
  return isIntOp(args) ? `select(${a} / ${b}, 0, ${b} == 0)` : `${a} / ${b}`;
}

/**
 * C's pow on float32 (cPow): pow(1, y) = pow(x, 0) = 1 even for NaN, pow(-1, ±Inf) = 1, a negative
 * base to an integer power keeps the parity's sign, to a non-integer power is NaN. WGSL's pow is
 * only defined for a positive base, so it sees |x| and the special cases are spelled out.
 */
const C_POW: WgslHelper = {
  uses: [FLOAT_CLASS],
  code: `fn is_odd_integer(y: f32) -> bool {
  // float32 values from 2^24 on are even
  return abs(y) < 16777216.0 && trunc(y) == y && (i32(y) & 1) != 0;
}
fn c_pow(x: f32, y: f32) -> f32 {
  if (x == 1.0 || y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan_f32(); }
  let a = abs(x);
  if (is_inf(y)) {
    if (a == 1.0) { return 1.0; }
    return select(0.0, inf_f32(), (a > 1.0) == (y > 0.0));
  }
  if (x < 0.0 && !is_inf(x) && trunc(y) != y) { return nan_f32(); }
  var r: f32;
  if (a == 0.0) {
    r = select(inf_f32(), 0.0, y > 0.0);
  } else if (is_inf(a)) {
    r = select(0.0, inf_f32(), y > 0.0);
  } else {
    r = pow(a, y);
  }
  return select(r, -r, sign_bit(x) && is_odd_integer(y));
}`,
};

/**
 * Pow of an int32 base, as the CPU kernel: an integral exponent in [0, 64] multiplies by squaring
 * (int32 products wrap; the CPU's float64 products agree while below 2^53), any other exponent is
 * C's pow truncated toward zero and wrapped. Negative or past-64 integral exponents are worked out
 * exactly (|x| >= 2 gives 0: a fraction, or a float64 whose low 32 bits are 0).
 *
 * A non-integral exponent y, a binary fraction p / q, gives an integer only for a perfect q-th
 * power x = c^q: that case is found and computed exactly as c^p, since float32 pow would truncate
 * 3 - 1e-7 to 2. The other results are irrational and go through float32 pow.
 *
 * Known differences, all for results no int32 holds or past float32's integers: between 2^53 and
 * 2^84 the CPU's float64 rounding changes the low bits it wraps, and a non-integral exponent's
 * result past 2^24 carries float32 pow's error of about 1e-6 (1000^2.5 gives 31622746, not 31622776).
 */
const INT_POW: WgslHelper = {
  uses: [C_POW, F32_TO_I32_WRAPPING, I32_TO_F32_NEAREST],
  code: `fn pow_i32_integral(x: i32, n: i32) -> i32 {
  if (x == 1) { return 1; }
  if (x == -1) { return select(1, -1, (n & 1) != 0); }
  if (n < 0) { return 0; }
  if (n > 64) { return 0; }
  // From 2^84 on the CPU's float64 result is a multiple of 2^32, so its int32 wrap is 0 (between
  // 2^53 and 2^84 its rounded low bits differ from the exact wrap computed below).
  if (f32(n) * log2(abs(f32(x))) >= 84.0) { return 0; }
  var base = x;
  var e = n;
  var acc = 1;
  while (e > 0) {
    if ((e & 1) != 0) { acc *= base; }
    e = e >> 1u;
    base *= base;
  }
  return acc;
}
fn pow_i32_f32(x: i32, y: f32) -> i32 {
  if (is_nan(y) || is_inf(y)) { return f32_to_i32_wrapping(c_pow(i32_to_f32_nearest(x), y)); }
  if (trunc(y) == y) {
    // beyond 2^30 every float32 is even, as 2^30 is
    return pow_i32_integral(x, i32(clamp(y, -1073741824.0, 1073741824.0)));
  }
  if (x >= 2) {
    // q <= 16: a c >= 2 with c^q in int32 needs no more
    for (var q = 2; q <= 16; q *= 2) {
      let p = y * f32(q);
      if (trunc(p) != p) { continue; }
      let c = i32(round(pow(f32(x), 1.0 / f32(q))));
      if (pow_i32_integral(c, q) == x) { return pow_i32_integral(c, i32(p)); }
      break;
    }
  }
  return f32_to_i32_wrapping(trunc(c_pow(i32_to_f32_nearest(x), y)));
}`,
};

/** Pow-15: the output has the base's dtype; the exponent may be of the other type. */
function power([x, y]: readonly string[], args: WebGpuKernelArgs): string {
  const exponentIsInt = args.inputs[1]!.dtype === 'int32';
  if (isIntOp(args)) return exponentIsInt ? `pow_i32_integral(${x}, ${y})` : `pow_i32_f32(${x}, ${y})`;
  return `c_pow(${x}, ${exponentIsInt ? `i32_to_f32_nearest(${y})` : y})`;
}

/**
 * Remainders. fmod is exact in IEEE arithmetic but WGSL's f32 % is x - y * trunc(x / y), which is
 * not for large quotients: fmod_f32 subtracts the largest |y| * 2^k below the remainder until it
 * is below |y|, each subtraction exact (the operands are within a factor 2: Sterbenz).
 */
const REMAINDERS: WgslHelper = {
  uses: [FLOAT_CLASS],
  code: `fn fmod_f32(x: f32, y: f32) -> f32 {
  if (is_nan(x) || is_nan(y) || is_inf(x) || y == 0.0) { return nan_f32(); }
  if (is_inf(y)) { return x; }
  let d = abs(y);
  var r = abs(x);
  for (var i = 0; i < 300 && r >= d; i++) {
    var t = ldexp(frexp(d).fract, frexp(r).exp);
    if (t > r) { t = t * 0.5; }
    r = r - t;
  }
  return select(r, -r, sign_bit(x));
}
fn floored_mod_f32(x: f32, y: f32) -> f32 {
  let r = fmod_f32(x, y);
  return select(r, r + y, r != 0.0 && (r < 0.0) != (y < 0.0));
}
fn fmod_i32(x: i32, y: i32) -> i32 {
  // WGSL leaves x % 0 and INT_MIN % -1 to the implementation; the CPU kernel gives 0 for both.
  if (y == 0 || y == -1) { return 0; }
  return x % y;
}
fn floored_mod_i32(x: i32, y: i32) -> i32 {
  let r = fmod_i32(x, y);
  return select(r, r + y, r != 0 && (r < 0) != (y < 0));
}`,
};

/** Mod-13: fmod 1 is C's fmod (the dividend's sign), fmod 0 Python's % (the divisor's). */
function remainder([a, b]: readonly string[], args: WebGpuKernelArgs): string {
  const floored = args.attrs.int('fmod') !== 1;
  const suffix = isIntOp(args) ? 'i32' : 'f32';
  return `${floored ? 'floored_mod' : 'fmod'}_${suffix}(${a}, ${b})`;
}

/**
 * NaN-propagating max and min (Math.max's, numpy's): WGSL leaves max(NaN, x) to the implementation.
 * For int32 the builtins are exact.
 */
const NAN_MAX_MIN: WgslHelper = {
  uses: [FLOAT_CLASS],
  code: `fn max_nan(a: f32, b: f32) -> f32 { return select(select(max(a, b), b, is_nan(b)), a, is_nan(a)); }
fn min_nan(a: f32, b: f32) -> f32 { return select(select(min(a, b), b, is_nan(b)), a, is_nan(a)); }`,
};

/** Folds the inputs of Max or Min left to right. */
function extremum(name: 'max' | 'min'): (xs: readonly string[], args: WebGpuKernelArgs) => string {
  return (xs, args) => {
    const f = outType(args) === 'f32' ? `${name}_nan` : name;
    return xs.slice(1).reduce((acc, x) => `${f}(${acc}, ${x})`, xs[0]!);
  };
}

function sum(xs: readonly string[]): string {
  return `(${xs.join(' + ')})`;
}

function boolOf(test: string): string {
  return `select(0u, 1u, ${test})`;
}

/** Elementwise ops of broadcast inputs. int32 +, - and * wrap in WGSL as in the CPU kernels. */
export const binaryKernels: Readonly<Record<string, WebGpuKernel>> = {
  Add: broadcastKernel('Add', ([a, b]) => `${a} + ${b}`),
  Sub: broadcastKernel('Sub', ([a, b]) => `${a} - ${b}`),
  Mul: broadcastKernel('Mul', ([a, b]) => `${a} * ${b}`),
  Div: broadcastKernel('Div', divide),
  Pow: broadcastWith('Pow', [C_POW, INT_POW], power),
  Mod: broadcastWith('Mod', [REMAINDERS], remainder),
  PRelu: broadcastKernel('PRelu', ([x, slope]) => `select(${x}, ${slope} * ${x}, ${x} < 0)`),

  // Comparisons of ordered operands: false wherever a NaN is involved, as in the CPU kernels.
  Equal: broadcastKernel('Equal', ([a, b]) => boolOf(`${a} == ${b}`)),
  Less: broadcastKernel('Less', ([a, b]) => boolOf(`${a} < ${b}`)),
  Greater: broadcastKernel('Greater', ([a, b]) => boolOf(`${a} > ${b}`)),
  LessOrEqual: broadcastKernel('LessOrEqual', ([a, b]) => boolOf(`${a} <= ${b}`)),
  GreaterOrEqual: broadcastKernel('GreaterOrEqual', ([a, b]) => boolOf(`${a} >= ${b}`)),

  And: broadcastKernel('And', ([a, b]) => boolOf(`${a} != 0u && ${b} != 0u`)),
  Or: broadcastKernel('Or', ([a, b]) => boolOf(`${a} != 0u || ${b} != 0u`)),
  Xor: broadcastKernel('Xor', ([a, b]) => boolOf(`(${a} != 0u) != (${b} != 0u)`)),
  Where: broadcastKernel('Where', ([condition, x, y]) => `select(${y}, ${x}, ${condition} != 0u)`),

  Max: broadcastWith('Max', [NAN_MAX_MIN], extremum('max')),
  Min: broadcastWith('Min', [NAN_MAX_MIN], extremum('min')),
  Sum: broadcastKernel('Sum', sum),
  Mean: broadcastKernel('Mean', (xs) => `${sum(xs)} / f32(${xs.length})`),
};
