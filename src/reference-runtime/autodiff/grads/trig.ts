import { exact, type OpGradient } from '../gradient.js';
import { unaryGrad } from '../helpers.js';

export const trigGradients: Readonly<Record<string, OpGradient>> = {
  Sin: exact(unaryGrad(Math.cos)),
  Cos: exact(unaryGrad((x) => -Math.sin(x))),
  Tan: exact(unaryGrad((_x, y) => 1 + y * y)),
  Asin: exact(unaryGrad((x) => 1 / Math.sqrt(1 - x * x))),
  Acos: exact(unaryGrad((x) => -1 / Math.sqrt(1 - x * x))),
  Atan: exact(unaryGrad((x) => 1 / (1 + x * x))),
  Sinh: exact(unaryGrad(Math.cosh)),
  Cosh: exact(unaryGrad(Math.sinh)),
  Asinh: exact(unaryGrad((x) => 1 / Math.sqrt(x * x + 1))),
  Acosh: exact(unaryGrad((x) => 1 / Math.sqrt(x * x - 1))),
  Atanh: exact(unaryGrad((x) => 1 / (1 - x * x))),
};
