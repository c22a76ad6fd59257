import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/**
 * ArgMax/ArgMin along one axis: `better(a, b)` says a strictly beats b. Ties keep the first index,
 * or the last with select_last_index. The output's shape (keepdims or not) has the same row-major
 * order as (outer, inner), so the flat index is the same either way.
 */
function argExtreme(better: (a: number, b: number) => boolean): Kernel {
  return ({ inputs, attrs, outputs }) => {
    const x = inputs[0]!;
    const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
    // ArgMax-1 and 11 have no select_last_index: the first extreme wins.
    const selectLast = attrs.has('select_last_index') && attrs.int('select_last_index') === 1;
    const { outer, len, inner } = splitAt(x.shape, axis);
    const out = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let best = 0;
        for (let j = 1; j < len; j++) {
          const v = x.data[base + j * inner]!;
          const b = x.data[base + best * inner]!;
          if (better(v, b) || (selectLast && v === b)) best = j;
        }
        out[o * inner + i] = best;
      }
    }
    return [result(outputs[0]!, out)];
  };
}

export const argKernels: Readonly<Record<string, Kernel>> = {
  ArgMax: argExtreme((a, b) => a > b),
  ArgMin: argExtreme((a, b) => a < b),
};
