import { FLOATS } from './dtypes.js';
import { unary } from './unary.js';

/*
 * Parameterized activations. Their float attributes are drawn from realistic ranges (the generator
 * draws float32 values, which is what an exported model carries).
 */

export const leakyRelu = unary('LeakyRelu', 16, FLOATS, {
  attrs: { alpha: { kind: 'float', range: [0.01, 0.5], default: 0.01 } },
});

export const elu = unary('Elu', 6, FLOATS, {
  attrs: { alpha: { kind: 'float', range: [0.1, 2], default: 1 } },
});

export const selu = unary('Selu', 6, FLOATS, {
  attrs: {
    alpha: { kind: 'float', range: [1, 2], default: 1.67326319217681884765625 },
    gamma: { kind: 'float', range: [1, 1.5], default: 1.05070102214813232421875 },
  },
});

// Celu divides by alpha, so alpha stays away from 0. ONNX defines Celu for float32 only.
export const celu = unary('Celu', 12, ['float32'], {
  attrs: { alpha: { kind: 'float', range: [0.2, 2], default: 1 } },
});

export const gelu = unary('Gelu', 20, FLOATS, {
  attrs: { approximate: { kind: 'string', choices: ['none', 'tanh'], default: 'none' } },
});

export const hardSigmoid = unary('HardSigmoid', 6, FLOATS, {
  attrs: {
    alpha: { kind: 'float', range: [0.05, 0.5], default: 0.2 },
    beta: { kind: 'float', range: [0.2, 0.8], default: 0.5 },
  },
});

export const hardSwish = unary('HardSwish', 14, FLOATS);

// ONNX states softplus as ln(exp(x) + 1): taken literally, exp overflows float32 past ~88.7.
export const softplus = unary('Softplus', 1, FLOATS, { domain: [{ input: 0, max: 80 }] });

export const softsign = unary('Softsign', 1, FLOATS);
