import type { ConcreteAttrs } from '../../../../opspec/infer.js';
import type { ElementFunction } from './tape.js';

/**
 * The activation functions RNN, GRU and LSTM name in their `activations` attribute, with the
 * alpha and beta they take. Names are matched without regard to case, as onnxruntime does.
 */
interface ActivationKind {
  /** Default alpha and beta (those of the ONNX op of the same name); undefined where the function takes none. */
  readonly alpha?: number;
  readonly beta?: number;
  readonly make: (alpha: number, beta: number) => ElementFunction;
}

/** Units of roundoff a correct float32 library function may be off by (exp, tanh, log1p). */
const LIBRARY_UNITS = 8;

const rounded = (units: number) => (_x: number, y: number, unit: number) => units * unit * Math.abs(y);
/** A library function, off by its ulps relative and by as much absolute near zero (log(1 + e^x), e^x - 1). */
const library = (_x: number, y: number, unit: number) => LIBRARY_UNITS * unit * (Math.abs(y) + 1);

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

const KINDS: Readonly<Record<string, ActivationKind>> = {
  relu: { make: () => ({ f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0), own: () => 0 }) },
  tanh: { make: () => ({ f: Math.tanh, df: (_x, y) => 1 - y * y, own: library }) },
  sigmoid: { make: () => ({ f: sigmoid, df: (_x, y) => y * (1 - y), own: library }) },
  affine: { alpha: 1, beta: 0, make: (a, b) => ({ f: (x) => a * x + b, df: () => a, own: rounded(2) }) },
  leakyrelu: { alpha: 0.01, make: (a) => ({ f: (x) => (x >= 0 ? x : a * x), df: (x) => (x >= 0 ? 1 : a), own: rounded(1) }) },
  thresholdedrelu: { alpha: 1, make: (a) => ({ f: (x) => (x > a ? x : 0), df: (x) => (x > a ? 1 : 0), own: () => 0 }) },
  scaledtanh: {
    alpha: 1,
    beta: 1,
    make: (a, b) => ({ f: (x) => a * Math.tanh(b * x), df: (x) => a * b * (1 - Math.tanh(b * x) ** 2), own: library }),
  },
  hardsigmoid: {
    alpha: 0.2,
    beta: 0.5,
    make: (a, b) => ({
      f: (x) => Math.min(1, Math.max(0, a * x + b)),
      df: (x) => (a * x + b > 0 && a * x + b < 1 ? a : 0),
      own: rounded(2),
    }),
  },
  elu: { alpha: 1, make: (a) => ({ f: (x) => (x >= 0 ? x : a * Math.expm1(x)), df: (x) => (x >= 0 ? 1 : a * Math.exp(x)), own: library }) },
  softsign: { make: () => ({ f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2, own: rounded(3) }) },
  softplus: {
    make: () => ({ f: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), df: (x) => sigmoid(x), own: library }),
  },
};

/** The activation names the specs accept, as ONNX spells them. */
export const ACTIVATION_NAMES: readonly string[] = [
  'Relu', 'Tanh', 'Sigmoid', 'Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'HardSigmoid', 'Elu', 'Softsign', 'Softplus',
];

/**
 * The node's activation functions, `perDirection` for each of `directions`: the `activations`
 * attribute, or `defaults` repeated per direction. activation_alpha and activation_beta are
 * consumed in order by the functions that take them (onnxruntime's reading); a function past the
 * end of a list takes its default.
 */
export function activationFunctions(attrs: ConcreteAttrs, defaults: readonly string[], directions: number): ElementFunction[] {
  const names = attrs.has('activations') ? attrs.strs('activations') : Array.from({ length: directions }, () => defaults).flat();
  if (names.length !== defaults.length * directions) {
    throw new Error(`activations lists ${names.length} functions; ${defaults.length * directions} are needed`);
  }
  const alphas = attrs.has('activation_alpha') ? attrs.floats('activation_alpha') : [];
  const betas = attrs.has('activation_beta') ? attrs.floats('activation_beta') : [];
  let nextAlpha = 0;
  let nextBeta = 0;
  return names.map((name) => {
    const kind = KINDS[name.toLowerCase()];
    if (!kind) throw new Error(`unknown activation function '${name}'`);
    const alpha = kind.alpha === undefined ? 0 : (alphas[nextAlpha++] ?? kind.alpha);
    const beta = kind.beta === undefined ? 0 : (betas[nextBeta++] ?? kind.beta);
    return kind.make(alpha, beta);
  });
}
