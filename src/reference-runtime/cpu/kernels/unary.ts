import type { Kernel, KernelArgs } from '../kernel.js';
import { result } from '../kernel.js';
import { erf, sigmoid } from '../../../opspec/math.js';
import { roundToDType } from '../../../ir/float-format.js';

/** An elementwise kernel whose function depends on the node (its attributes, its input dtype). */
export function unaryKernelWith(make: (args: KernelArgs) => (x: number) => number): Kernel {
  return (args) => {
    const f = make(args);
    const x = args.inputs[0]!.data;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
    return [result(args.outputs[0]!, out)];
  };
}

/** An elementwise kernel: out[i] = f(x[i]). */
export function unaryKernel(f: (x: number) => number): Kernel {
  return unaryKernelWith(() => f);
}

/**
 * An elementwise kernel for a function with jumps (Floor, Sign...). The reference keeps float64
 * precision inside float32 tensors, but near a jump only the float32 value a SUT holds decides the
 * side: f sees that value.
 */
export function stepKernel(f: (x: number) => number): Kernel {
  return unaryKernelWith(({ inputs }) => {
    const dtype = inputs[0]!.dtype;
    return (x) => f(roundToDType(dtype, x));
  });
}

/**
 * Rounds to the nearest integer, halves to the even neighbour (numpy's and ONNX's rule). Works on
 * |x| so that a negative x rounding to zero gives -0, as numpy does.
 */
export function roundHalfToEven(x: number): number {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const below = Math.floor(a);
  const fraction = a - below;
  const r = fraction < 0.5 ? below : fraction > 0.5 ? below + 1 : below % 2 === 0 ? below : below + 1;
  return x < 0 ? -r : r;
}

function sign(x: number): number {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return x; // 0, -0 and NaN are their own sign
}

export const unaryKernels: Readonly<Record<string, Kernel>> = {
  Relu: unaryKernel((x) => (x > 0 ? x : 0)),
  Sigmoid: unaryKernel(sigmoid),
  Tanh: unaryKernel(Math.tanh),
  Abs: unaryKernel(Math.abs),
  Neg: unaryKernel((x) => -x),
  Exp: unaryKernel(Math.exp),
  Log: unaryKernel(Math.log),
  Sqrt: unaryKernel(Math.sqrt),
  Reciprocal: unaryKernel((x) => 1 / x),
  Erf: unaryKernel(erf),
  Floor: stepKernel(Math.floor),
  Ceil: stepKernel(Math.ceil),
  Round: stepKernel(roundHalfToEven),
  Sign: stepKernel(sign),
  Not: unaryKernel((x) => (x ? 0 : 1)),
  IsNaN: unaryKernel((x) => (Number.isNaN(x) ? 1 : 0)),
  IsInf: unaryKernelWith(({ attrs, inputs }) => {
    // A float32 (float16) tensor holds infinity where its float64 value is beyond its range.
    const dtype = inputs[0]!.dtype;
    const held = (x: number) => roundToDType(dtype, x);
    const negative = attrs.int('detect_negative') !== 0;
    const positive = attrs.int('detect_positive') !== 0;
    return (value) => {
      const x = held(value);
      return (x === Infinity && positive) || (x === -Infinity && negative) ? 1 : 0;
    };
  }),
  Identity: unaryKernel((x) => x),
};
