import { isIntDType } from '../../../ir/dtype.js';
import { castValues } from '../../../ir/tensor.js';
import { roundToDType } from '../../../ir/float-format.js';
import { result, type Kernel } from '../kernel.js';

/**
 * Cast. A float32 (float16) input is first taken as the float32 (float16) value it holds (the reference keeps float64
 * precision inside float32 tensors, but a cast to float64 or to an integer sees only that value).
 * Float to integer truncates toward zero: result() does that, and reports a float the target cannot
 * hold (C++ leaves that undefined). Integer to integer wraps as two's complement does, a defined
 * result, so it wraps here, before result()'s check. To bool, anything nonzero (NaN included) is true.
 */
export const castKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const to = outputs[0]!.dtype;
  const out = Float64Array.from(x.data);
  if (x.dtype !== to) {
    // What the input holds (float32 and float16 tensors carry float64 values), then what the target holds.
    for (let i = 0; i < out.length; i++) out[i] = roundToDType(to, roundToDType(x.dtype, out[i]!));
  }
  if (to === 'bool') for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
  if (isIntDType(x.dtype) && isIntDType(to)) castValues(to, out);
  return [result(outputs[0]!, out)];
};
