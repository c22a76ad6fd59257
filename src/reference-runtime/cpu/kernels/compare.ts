import type { Tensor } from '../../../ir/tensor.js';
import { roundToDType } from '../../../ir/float-format.js';
import { result, type Kernel } from '../kernel.js';
import { mapBroadcast2 } from './binary.js';

/**
 * A tensor's values as its dtype holds them. The reference keeps float32 intermediates in float64;
 * ops whose result jumps (comparisons, remainders) must see what a float32 runtime sees, or a value
 * that rounds to exactly the other operand would compare differently.
 */
export function asStored(t: Tensor): Float64Array {
  if (t.dtype !== 'float32' && t.dtype !== 'float16') return t.data;
  return t.data.map((x) => roundToDType(t.dtype, x));
}

function compareKernel(f: (a: number, b: number) => boolean): Kernel {
  return ({ inputs, outputs }) => {
    const a = inputs[0]!;
    const b = inputs[1]!;
    const out = outputs[0]!;
    return [result(out, mapBroadcast2(asStored(a), a.shape, asStored(b), b.shape, out.shape, (x, y) => (f(x, y) ? 1 : 0)))];
  };
}

export const compareKernels: Readonly<Record<string, Kernel>> = {
  Equal: compareKernel((a, b) => a === b),
  Less: compareKernel((a, b) => a < b),
  Greater: compareKernel((a, b) => a > b),
  LessOrEqual: compareKernel((a, b) => a <= b),
  GreaterOrEqual: compareKernel((a, b) => a >= b),
};
