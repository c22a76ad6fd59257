import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * CumSum along the axis bound from the rank-0 constant input. `exclusive` leaves each element out
 * of its own sum; `reverse` runs the sums from the end of the axis.
 */
export const cumSumKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const exclusive = attrs.int('exclusive') === 1;
  const reverse = attrs.int('reverse') === 1;
  const { outer, len, inner } = splitAt(x.shape, axis);
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let running = 0;
      for (let step = 0; step < len; step++) {
        const at = base + (reverse ? len - 1 - step : step) * inner;
        const v = x.data[at]!;
        if (exclusive) {
          data[at] = running;
          running += v;
        } else {
          running += v;
          data[at] = running;
        }
      }
    }
  }
  return [result(outputs[0]!, data)];
};
