import { exact, type OpGradient } from '../gradient.js';
import { unaryGrad, unaryGradWith } from '../helpers.js';
import { erf, sigmoid } from '../../../opspec/math.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const activationGradients: Readonly<Record<string, OpGradient>> = {
  LeakyRelu: exact(
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      return (x) => (x < 0 ? alpha : 1);
    }),
  ),
  Elu: exact(
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      return (x) => (x < 0 ? alpha * Math.exp(x) : 1);
    }),
  ),
  Selu: exact(
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      const gamma = attrs.float('gamma');
      return (x) => gamma * (x <= 0 ? alpha * Math.exp(x) : 1);
    }),
  ),
  Celu: exact(
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      return (x) => (x > 0 ? 1 : Math.exp(x / alpha));
    }),
  ),
  Gelu: exact(
    unaryGradWith(({ attrs }) => {
      if (attrs.str('approximate') === 'tanh') {
        return (x) => {
          const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
          return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
        };
      }
      return (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }),
  ),
  HardSigmoid: exact(
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      const beta = attrs.float('beta');
      return (x) => {
        const z = alpha * x + beta;
        return z > 0 && z < 1 ? alpha : 0;
      };
    }),
  ),
  HardSwish: exact(unaryGrad((x) => (x >= 3 ? 1 : x <= -3 ? 0 : x / 3 + 0.5))),
  Softplus: exact(unaryGrad(sigmoid)),
  Softsign: exact(unaryGrad((x) => 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))))),
};
