import { softplus as softplusOf } from '../math.js';
import { facts } from '../numeric.js';
import { bounded, monotone, positiveIdentity } from '../ranges.js';
import { FLOATS } from './dtypes.js';
import { unary } from './unary.js';
import type { OpSpec } from '../spec.js';
import { olderVersions } from './versions.js';

/*
 * Parameterized activations. Their float attributes are drawn from realistic ranges (the generator
 * draws float32 values, which is what an exported model carries).
 */

export const leakyRelu = unary('LeakyRelu', 16, FLOATS, {
  attrs: { alpha: { kind: 'float', range: [0.01, 0.5], default: 0.01 } },
  numeric: facts({ range: positiveIdentity(1) }),
});

export const elu = unary('Elu', 6, FLOATS, {
  attrs: { alpha: { kind: 'float', range: [0.1, 2], default: 1 } },
  numeric: facts({ range: positiveIdentity(1) }),
});

export const selu = unary('Selu', 6, FLOATS, {
  attrs: {
    alpha: { kind: 'float', range: [1, 2], default: 1.67326319217681884765625 },
    gamma: { kind: 'float', range: [1, 1.5], default: 1.05070102214813232421875 },
  },
  // gamma scales the positive side by up to 1.5.
  numeric: facts({ range: positiveIdentity(1.5) }),
});

// Celu divides by alpha, so alpha stays away from 0. ONNX defines Celu for float32 only.
export const celu = unary('Celu', 12, ['float32'], {
  attrs: { alpha: { kind: 'float', range: [0.2, 2], default: 1 } },
  numeric: facts({ range: positiveIdentity(1) }),
});

export const gelu = unary('Gelu', 20, FLOATS, {
  attrs: { approximate: { kind: 'string', choices: ['none', 'tanh'], default: 'none' } },
  numeric: facts({ range: { keepsZero: true } }),
});

export const hardSigmoid = unary('HardSigmoid', 6, FLOATS, {
  attrs: {
    alpha: { kind: 'float', range: [0.05, 0.5], default: 0.2 },
    beta: { kind: 'float', range: [0.2, 0.8], default: 0.5 },
  },
  numeric: facts({ range: bounded(0, 1) }),
});

export const hardSwish = unary('HardSwish', 14, FLOATS, { numeric: facts({ range: { keepsZero: true } }) });

// ONNX states softplus as ln(exp(x) + 1): taken literally, exp overflows float32 past ~88.7.
export const softplus = unary('Softplus', 1, FLOATS, {
  domain: [{ input: 0, max: 80 }],
  numeric: facts({ range: monotone(softplusOf, { inverse: { f: (y) => Math.log(Math.expm1(y)), image: [0, Infinity] } }) }),
});

export const softsign = unary('Softsign', 1, FLOATS, { numeric: facts({ range: monotone((x) => x / (1 + Math.abs(x)), { keepsZero: true }) }) });

/** LeakyRelu-6 differs from 16 only by bfloat16. */
export const OLDER_ACTIVATION_SPECS: readonly OpSpec[] = olderVersions(leakyRelu, [6]);
