import type { Kernel } from '../kernel.js';
import { result } from '../kernel.js';

/** Elementwise kernels, one function per op: out[i] = f(x[i]). */
function unaryKernel(f: (x: number) => number): Kernel {
  return ({ inputs, outputs }) => {
    const x = inputs[0]!.data;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
    return [result(outputs[0]!, out)];
  };
}

export const unaryKernels: Readonly<Record<string, Kernel>> = {
  Relu: unaryKernel((x) => (x > 0 ? x : 0)),
  Sigmoid: unaryKernel((x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))),
  Tanh: unaryKernel(Math.tanh),
  Abs: unaryKernel(Math.abs),
  Neg: unaryKernel((x) => -x),
  Exp: unaryKernel(Math.exp),
};
