import { result, type Kernel } from '../kernel.js';

/**
 * Cast. A float32 input is first taken as the float32 value it holds (the reference keeps float64
 * precision inside float32 tensors, but a cast to float64 or to an integer sees only that value).
 * Float to integer truncates toward zero and integers wrap: result() does both; to bool, anything
 * nonzero (NaN included) is true.
 */
export const castKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const to = outputs[0]!.dtype;
  const out = Float64Array.from(x.data);
  if (x.dtype === 'float32' && to !== 'float32') for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]!);
  if (to === 'float32' && x.dtype !== 'float32') for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]!);
  if (to === 'bool') for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
  return [result(outputs[0]!, out)];
};
