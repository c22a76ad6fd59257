import { result, type Kernel } from '../kernel.js';

/** Dropout in inference: the input, and a mask of all true (nothing dropped). */
export const dropoutKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const out = [result(outputs[0]!, Float64Array.from(x.data))];
  if (outputs[1]) out.push(result(outputs[1], new Float64Array(x.data.length).fill(1)));
  return out;
};
