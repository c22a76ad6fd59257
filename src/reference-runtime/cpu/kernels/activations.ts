import type { Kernel } from '../kernel.js';
import { erf, softplus } from '../../../opspec/math.js';
import { unaryKernel, unaryKernelWith } from './unary.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Parameterized activations, following the formulas of the ONNX operator docs. */
export const activationKernels: Readonly<Record<string, Kernel>> = {
  LeakyRelu: unaryKernelWith(({ attrs }) => {
    const alpha = attrs.float('alpha');
    return (x) => (x < 0 ? alpha * x : x);
  }),
  Elu: unaryKernelWith(({ attrs }) => {
    const alpha = attrs.float('alpha');
    return (x) => (x < 0 ? alpha * Math.expm1(x) : x);
  }),
  Selu: unaryKernelWith(({ attrs }) => {
    const alpha = attrs.float('alpha');
    const gamma = attrs.float('gamma');
    return (x) => gamma * (x <= 0 ? alpha * Math.expm1(x) : x);
  }),
  // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
  Celu: unaryKernelWith(({ attrs }) => {
    const alpha = attrs.float('alpha');
    return (x) => Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha));
  }),
  Gelu: unaryKernelWith(({ attrs }) => {
    if (attrs.str('approximate') === 'tanh') {
      return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    }
    return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
  }),
  HardSigmoid: unaryKernelWith(({ attrs }) => {
    const alpha = attrs.float('alpha');
    const beta = attrs.float('beta');
    return (x) => Math.max(0, Math.min(1, alpha * x + beta));
  }),
  HardSwish: unaryKernel((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  // ln(exp(x) + 1), arranged so that exp never overflows
  Softplus: unaryKernel(softplus),
  Softsign: unaryKernel((x) => x / (1 + Math.abs(x))),
};
