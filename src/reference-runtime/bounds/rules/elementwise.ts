import { broadcastShape, broadcastStrides, forEachBroadcast } from '../../cpu/indexing.js';
import { isFloatDType } from '../../../ir/dtype.js';
import { broadcastBound, ownRounding, unitRoundoff, type BoundRule } from '../bound-rule.js';
import { copies, corners, exact, largestOf, smoothUnary, type OwnError } from '../combinators.js';

/**
 * Unit roundoffs a library function of a float32 SUT may be off by: 4 ulps, what vectorized exp,
 * log, tanh and erf implementations (Eigen's, MLAS's, XNNPACK's) promise and correctly rounded
 * ones beat by far.
 */
export const LIBRARY_UNITS = 8;

/**
 * Bounded functions (sigmoid, erf) that SUTs approximate with an absolute error of a few ulps of 1
 * (MLAS's rational logistic near 0, the Abramowitz-Stegun erf of tfjs: 1.5e-7 even near 0).
 */
const BOUNDED_LIBRARY: OwnError = { units: LIBRARY_UNITS, absolute: (_x, _y, unit) => 4 * unit };

/** One rounding: a correctly rounded arithmetic result. */
const ROUNDED: OwnError = { units: 1 };
const LIBRARY: OwnError = { units: LIBRARY_UNITS };

/** sin and cos reduce their argument modulo pi/2 in the input's precision: an absolute error of a few ulps of x. */
const REDUCED_ARGUMENT: OwnError = { units: LIBRARY_UNITS, absolute: (x, _y, unit) => LIBRARY_UNITS * unit * Math.max(1, Math.abs(x)) };
/** tan's argument reduction error, amplified by its derivative 1 + tan^2. */
const TAN: OwnError = { units: LIBRARY_UNITS, absolute: (x, y, unit) => LIBRARY_UNITS * unit * Math.max(1, Math.abs(x)) * (1 + y * y) };

/**
 * Pow computed as exp(e log x), as vectorized SUTs do: the rounding of log x is multiplied by the
 * exponent, a relative error of about |e log x| units in the result.
 */
const pow: BoundRule = (args) => {
  const [base, exponent] = args.inputs;
  const y = args.outputs[0]!;
  const shape = broadcastShape(base!.shape, exponent!.shape);
  const logTerm = new Float64Array(y.data.length);
  forEachBroadcast(shape, [broadcastStrides(base!.shape, shape), broadcastStrides(exponent!.shape, shape)], (i, [ib, ie]) => {
    const b = Math.abs(base!.data[ib!]!);
    logTerm[i] = b === 0 ? 0 : Math.abs(exponent!.data[ie!]! * Math.log(b));
  });
  const unit = unitRoundoff(y.dtype);
  const own: OwnError = { units: LIBRARY_UNITS };
  const [carried] = corners([0, 1], own)(args);
  return [Float64Array.from(carried!, (c, i) => c + 2 * logTerm[i]! * unit * Math.abs(y.data[i]!))];
};

/**
 * A float remainder (fmod) is exact, but it keeps the absolute error its dividend carries, and
 * each unit of error in the divisor moves it by the quotient's integer part.
 */
const mod: BoundRule = (args) => {
  const [a, b] = args.inputs;
  const y = args.outputs[0]!;
  if (!isFloatDType(y.dtype)) return [];
  const ba = broadcastBound(a, args.inputBounds[0], y.shape);
  const bb = broadcastBound(b, args.inputBounds[1], y.shape);
  if (!ba && !bb) return [];
  const out = new Float64Array(y.data.length);
  forEachBroadcast(y.shape, [broadcastStrides(a!.shape, y.shape), broadcastStrides(b!.shape, y.shape)], (i, [ia, ib]) => {
    const q = Math.trunc(a!.data[ia!]! / b!.data[ib!]!);
    out[i] = (ba?.[i] ?? 0) + Math.abs(q) * (bb?.[i] ?? 0);
  });
  return [out];
};

/**
 * Cast: a float value keeps its error (and rounds once more into a narrower float); an integer
 * beyond 2^24 rounds into float32; a float cast to an integer or bool is exact unless it lies next
 * to a jump, which the stability checks watch.
 */
const cast: BoundRule = (args) => {
  const [x] = args.inputs;
  const y = args.outputs[0]!;
  if (!isFloatDType(y.dtype)) return [];
  // Into float16 from anything else, or into float32 from anything but float32 and float16 (which it holds exactly).
  const narrows = y.dtype === 'float16' ? x!.dtype !== 'float16' : y.dtype === 'float32' && x!.dtype !== 'float32' && x!.dtype !== 'float16';
  const rounding = narrows ? ownRounding(y, 1, unitRoundoff(y.dtype)) : undefined;
  const carried = args.inputBounds[0];
  if (!rounding) return carried ? [carried] : [];
  return [carried ? Float64Array.from(rounding, (r, i) => r + carried[i]!) : rounding];
};

/**
 * HardSigmoid, max(0, min(1, alpha x + beta)), rounds alpha x and the sum: where alpha x and beta
 * nearly cancel, that is a few units of |alpha x| + |beta|, not of the result. HardSwish multiplies
 * it by x (alpha 1/6, beta 1/2).
 */
function hardSigmoid(op: 'HardSigmoid' | 'HardSwish'): BoundRule {
  return (args) => {
    const swish = op === 'HardSwish';
    const alpha = swish ? 1 / 6 : args.attrs.float('alpha');
    const beta = swish ? 0.5 : args.attrs.float('beta');
    const absolute = (x: number, _y: number, unit: number) => 2 * unit * (Math.abs(alpha * x) + Math.abs(beta)) * (swish ? Math.abs(x) : 1);
    return smoothUnary({ units: swish ? 3 : 2, absolute })(args);
  };
}

export const ELEMENTWISE_RULES: Readonly<Record<string, BoundRule>> = {
  // Copies, negations and zeros: exact in themselves.
  Identity: copies(),
  Neg: copies(),
  Abs: copies(),
  Relu: copies(),
  Max: largestOf([0, 1, 2, 3, 4, 5, 6, 7]),
  Min: largestOf([0, 1, 2, 3, 4, 5, 6, 7]),
  Clip: largestOf([0, 1, 2]),
  Where: copies({ data: [1, 2] }),
  // Discrete results.
  Floor: exact,
  Ceil: exact,
  Round: exact,
  Sign: exact,
  Equal: exact,
  Greater: exact,
  GreaterOrEqual: exact,
  Less: exact,
  LessOrEqual: exact,
  Not: exact,
  And: exact,
  BitShift: exact,
  Or: exact,
  Xor: exact,
  IsNaN: exact,
  IsInf: exact,
  // Arithmetic: one rounding each.
  Add: corners([0, 1], ROUNDED),
  Sub: corners([0, 1], ROUNDED),
  Mul: corners([0, 1], ROUNDED),
  Div: corners([0, 1], ROUNDED),
  PRelu: corners([0, 1], ROUNDED),
  Sqrt: smoothUnary(ROUNDED),
  Reciprocal: smoothUnary(ROUNDED),
  LeakyRelu: smoothUnary(ROUNDED),
  HardSigmoid: hardSigmoid('HardSigmoid'),
  HardSwish: hardSigmoid('HardSwish'),
  Softsign: smoothUnary({ units: 3 }),
  Pow: pow,
  Mod: mod,
  Cast: cast,
  // Library functions.
  Exp: smoothUnary(LIBRARY),
  Log: smoothUnary({ units: LIBRARY_UNITS, absolute: (_x, _y, unit) => LIBRARY_UNITS * unit }),
  Tanh: smoothUnary(LIBRARY),
  Sigmoid: smoothUnary(BOUNDED_LIBRARY),
  Erf: smoothUnary(BOUNDED_LIBRARY),
  Gelu: smoothUnary({ units: 2 * LIBRARY_UNITS, absolute: (x, _y, unit) => 4 * unit * Math.abs(x) }),
  Softplus: smoothUnary({ units: LIBRARY_UNITS, absolute: (_x, _y, unit) => LIBRARY_UNITS * unit }),
  Elu: smoothUnary({ units: LIBRARY_UNITS, absolute: (_x, _y, unit) => LIBRARY_UNITS * unit }),
  Selu: smoothUnary({ units: LIBRARY_UNITS, absolute: (_x, _y, unit) => LIBRARY_UNITS * unit }),
  Celu: smoothUnary({ units: LIBRARY_UNITS, absolute: (_x, _y, unit) => LIBRARY_UNITS * unit }),
  Sin: smoothUnary(REDUCED_ARGUMENT),
  Cos: smoothUnary(REDUCED_ARGUMENT),
  Tan: smoothUnary(TAN),
  Asin: smoothUnary(LIBRARY),
  Acos: smoothUnary(LIBRARY),
  Atan: smoothUnary(LIBRARY),
  Sinh: smoothUnary(LIBRARY),
  Cosh: smoothUnary(LIBRARY),
  Asinh: smoothUnary(LIBRARY),
  Acosh: smoothUnary(LIBRARY),
  Atanh: smoothUnary(LIBRARY),
};
