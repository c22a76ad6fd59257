import { clipBounds } from '../../../opspec/ops/clip.js';
import { result, type Kernel } from '../kernel.js';

/** min(max(x, lo), hi): with lo > hi every element becomes hi, as ONNX specifies. */
export const clipKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!.data;
  const [lo, hi] = clipBounds(inputs, attrs);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(x[i]!, lo), hi);
  return [result(outputs[0]!, out)];
};
