import { exact, exactWithLeak, LEAK, proxy, type OpGradient } from '../gradient.js';
import { unaryGrad } from '../helpers.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Straight-through: a step function passes its gradient on as if it were the identity. */
const straightThrough = proxy(unaryGrad(() => 1));

/** Ops whose outputs are flags: no direction to give. */
const noGradient = proxy(() => []);

export const unaryGradients: Readonly<Record<string, OpGradient>> = {
  Relu: exactWithLeak(
    unaryGrad((x) => (x > 0 ? 1 : 0)),
    unaryGrad((x) => (x > 0 ? 1 : LEAK)),
  ),
  Sigmoid: exact(unaryGrad((_x, y) => y * (1 - y))),
  Tanh: exact(unaryGrad((_x, y) => 1 - y * y)),
  Abs: exact(unaryGrad((x) => (x > 0 ? 1 : x < 0 ? -1 : 0))),
  Neg: exact(unaryGrad(() => -1)),
  Exp: exact(unaryGrad((_x, y) => y)),
  Log: exact(unaryGrad((x) => 1 / x)),
  Sqrt: exact(unaryGrad((_x, y) => 0.5 / y)),
  Reciprocal: exact(unaryGrad((_x, y) => -y * y)),
  Erf: exact(unaryGrad((x) => TWO_OVER_SQRT_PI * Math.exp(-x * x))),
  Identity: exact(unaryGrad(() => 1)),
  Floor: straightThrough,
  Ceil: straightThrough,
  Round: straightThrough,
  Sign: straightThrough,
  Not: noGradient,
  IsNaN: noGradient,
  IsInf: noGradient,
};

