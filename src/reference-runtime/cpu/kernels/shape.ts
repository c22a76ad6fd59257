import { shapeRange } from '../../../opspec/ops/shape.js';
import { result, type Kernel } from '../kernel.js';

export const shapeKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const dims = inputs[0]!.shape;
  // Without start/end (Shape-13 has neither) the range is every dim.
  const start = attrs.has('start') ? attrs.int('start') : 0;
  const [first, last] = shapeRange(dims.length, start, attrs.has('end') ? attrs.int('end') : undefined);
  return [result(outputs[0]!, Float64Array.from(dims.slice(first, Math.max(first, last))))];
};
