import type { PrecisionTable } from '../oracles/precision-envelope.js';

const SPEC = "WGSL, 'Floating Point Accuracy'";

/**
 * The error WGSL allows the f32 builtins that WebGPU SUTs compute these ONNX ops with (tfjs-webgpu
 * and ref-webgpu call them directly). Where WGSL gives an accuracy "inherited from" a formula, the
 * bound here is that formula's, rounded up. A numeric difference within these bounds, amplified by
 * what follows, is what a conforming implementation may give: not a bug.
 */
export const WGSL_PRECISION: PrecisionTable = {
  Atan: { ulp: 4096, source: `${SPEC}: atan, 4096 ULP` },
  Asin: { ulp: 4096, absolute: 2 ** -20, source: `${SPEC}: asin, inherited from atan2(x, sqrt(1.0 - x * x)), atan2 4096 ULP` },
  Acos: { ulp: 4096, absolute: 2 ** -20, source: `${SPEC}: acos, inherited from atan2(sqrt(1.0 - x * x), x), atan2 4096 ULP` },
  Sin: { absolute: 2 ** -11, source: `${SPEC}: sin, absolute error 2^-11 inside [-pi, pi]` },
  Cos: { absolute: 2 ** -11, source: `${SPEC}: cos, absolute error 2^-11 inside [-pi, pi]` },
  Tan: { ulp: 4096, absolute: 2 ** -10, source: `${SPEC}: tan, inherited from sin(x) / cos(x)` },
  Exp: { ulp: 35, source: `${SPEC}: exp, 3 + 2 * |x| ULP (|x| <= 16 here)` },
  Log: { ulp: 3, absolute: 2 ** -21, source: `${SPEC}: log, 3 ULP outside [0.5, 2.0], absolute error < 2^-21 inside` },
  Pow: { ulp: 64, absolute: 2 ** -20, source: `${SPEC}: pow, inherited from exp2(y * log2(x))` },
  Sqrt: { ulp: 5, source: `${SPEC}: sqrt, inherited from 1.0 / inverseSqrt(x) (2 ULP and 2.5 ULP)` },
  Sinh: { ulp: 40, absolute: 2 ** -20, source: `${SPEC}: sinh, inherited from (exp(x) - exp(-x)) * 0.5` },
  Cosh: { ulp: 40, source: `${SPEC}: cosh, inherited from (exp(x) + exp(-x)) * 0.5` },
  Tanh: { ulp: 80, absolute: 2 ** -20, source: `${SPEC}: tanh, inherited from sinh(x) / cosh(x)` },
  Asinh: { ulp: 16, absolute: 2 ** -20, source: `${SPEC}: asinh, inherited from log(x + sqrt(x * x + 1.0))` },
  Acosh: { ulp: 16, absolute: 2 ** -20, source: `${SPEC}: acosh, inherited from log(x + sqrt(x * x - 1.0))` },
  Atanh: { ulp: 16, absolute: 2 ** -20, source: `${SPEC}: atanh, inherited from log((1.0 + x) / (1.0 - x)) * 0.5` },
  Div: { ulp: 2.5, source: `${SPEC}: x / y, 2.5 ULP for |y| in [2^-126, 2^126]` },
  Reciprocal: { ulp: 2.5, source: `${SPEC}: 1.0 / x, 2.5 ULP` },
};
