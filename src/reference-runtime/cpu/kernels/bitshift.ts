import { castValues } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';
import { mapBroadcast2 } from './binary.js';

/**
 * BitShift: x * 2^y or floor(x / 2^y). A left shift wraps to the type's width (bits pushed out are
 * dropped, a defined result), so it wraps here before result()'s range check, as Cast's integer
 * conversions do; uint64 past 2^53 stays a fault the reference cannot judge.
 */
export const bitShiftKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, y] = inputs;
  const out = outputs[0]!;
  const left = attrs.str('direction') === 'LEFT';
  const data = mapBroadcast2(x!.data, x!.shape, y!.data, y!.shape, out.shape, (a, b) => (left ? a * 2 ** b : Math.floor(a / 2 ** b)));
  if (out.dtype !== 'uint64') castValues(out.dtype, data);
  return [result(out, data)];
};
