import type { WebGpuKernel } from '../program.js';
import { unaryKernel } from './elementwise.js';
import { f32Literal } from './unary.js';

/** ThresholdedRelu: x above alpha, else 0. */
const thresholdedRelu = unaryKernel('ThresholdedRelu', (x, args) => `select(0.0, ${x}, ${x} > ${f32Literal(args.attrs.float('alpha'))})`);

/** Shrink of floats (an integer Shrink truncates a float sum: left to the CPU kernels). */
const shrink: WebGpuKernel = {
  validate: (args) => (args.inputs[0]?.dtype === 'float32' ? undefined : `Shrink of ${args.inputs[0]?.dtype} is not run on the GPU`),
  program: unaryKernel('Shrink', (x, args) => {
    const bias = f32Literal(args.attrs.float('bias'));
    const lambd = f32Literal(args.attrs.float('lambd'));
    return `select(select(0.0, ${x} - ${bias}, ${x} > ${lambd}), ${x} + ${bias}, ${x} < -${lambd})`;
  }).program,
};

export const thresholdKernels: Readonly<Record<string, WebGpuKernel>> = { ThresholdedRelu: thresholdedRelu, Shrink: shrink };
