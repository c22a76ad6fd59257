import type { Kernel } from '../kernel.js';
import { unaryKernel } from './unary.js';

export const trigKernels: Readonly<Record<string, Kernel>> = {
  Sin: unaryKernel(Math.sin),
  Cos: unaryKernel(Math.cos),
  Tan: unaryKernel(Math.tan),
  Asin: unaryKernel(Math.asin),
  Acos: unaryKernel(Math.acos),
  Atan: unaryKernel(Math.atan),
  Sinh: unaryKernel(Math.sinh),
  Cosh: unaryKernel(Math.cosh),
  Asinh: unaryKernel(Math.asinh),
  Acosh: unaryKernel(Math.acosh),
  Atanh: unaryKernel(Math.atanh),
};
