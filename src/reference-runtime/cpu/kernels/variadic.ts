import { result, type Kernel } from '../kernel.js';
import { mapBroadcastN } from './binary.js';

function variadicKernel(f: (values: readonly number[]) => number): Kernel {
  return ({ inputs, outputs }) => [result(outputs[0]!, mapBroadcastN(inputs.map((x) => x!), outputs[0]!.shape, f))];
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const x of values) s += x;
  return s;
}

/** Math.max and Math.min propagate NaN, as numpy's maximum and minimum (ONNX's reference) do. */
export const variadicKernels: Readonly<Record<string, Kernel>> = {
  Max: variadicKernel((values) => Math.max(...values)),
  Min: variadicKernel((values) => Math.min(...values)),
  Sum: variadicKernel(sum),
  Mean: variadicKernel((values) => sum(values) / values.length),
};
