import type { Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../../cpu/indexing.js';
import { einsumLoop } from '../../cpu/kernels/einsum.js';
import { reductionOf, scatterElementsWrites, scatterNDWrites, type ScatterWrites } from '../../cpu/kernels/scatter.js';
import type { BoundArgs, BoundRule } from '../bound-rule.js';
import { copies, exact, nonNegativeSums } from '../combinators.js';

/**
 * TopK: the j-th largest of a slice moves by at most the largest error in the slice (an order
 * statistic is 1-Lipschitz in the max norm), whichever element it turns out to be.
 */
const topK: BoundRule = ({ inputs, inputBounds, attrs, outputs }) => {
  const bound = inputBounds[0];
  if (!bound) return [];
  const x = inputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  const k = outputs[0]!.shape[axis]!;
  const out = new Float64Array(outputs[0]!.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let worst = 0;
      for (let j = 0; j < len; j++) worst = Math.max(worst, bound[(o * len + j) * inner + i]!);
      for (let j = 0; j < k; j++) out[(o * k + j) * inner + i] = worst;
    }
  }
  return [out, undefined];
};

function withReduction(attrs: ConcreteAttrs, reduction: string): ConcreteAttrs {
  return { ...attrs, str: (name) => (name === 'reduction' ? reduction : attrs.str(name)) };
}

/** The most updates any one output element takes. */
function mostWrites(writes: ScatterWrites): number {
  const counts = new Map<number, number>();
  let most = 0;
  for (const t of writes.target) {
    const n = (counts.get(t) ?? 0) + 1;
    counts.set(t, n);
    most = Math.max(most, n);
  }
  return most;
}

/**
 * A scatter: without a reduction, or with max, each element is a copy of the data or of an update
 * (the kernel run on the bounds, with max, takes the largest bound); min is bounded as max is;
 * add and mul are sums and products of non-negative magnitudes over the updates one element takes.
 */
function scatter(writesOf: (args: BoundArgs) => ScatterWrites): BoundRule {
  const moved = copies({ data: [0, 2] });
  return (args) => {
    const reduction = reductionOf(args.attrs);
    if (reduction === 'none' || reduction === 'max') return moved(args);
    if (reduction === 'min') return moved({ ...args, rerun: (inputs, options) => args.rerun(inputs, { ...options, attrs: withReduction(args.attrs, 'max') }) });
    return nonNegativeSums({ data: [0, 2], roundings: (a) => mostWrites(writesOf(a)) + 1 })(args);
  };
}

/** Einsum: a sum of products of its operands (n - 1 products and a sum over the summed labels per term). */
const einsum: BoundRule = (args) => {
  const xs = args.inputs.filter((x): x is Tensor => x !== undefined);
  const loop = einsumLoop(xs, args.attrs, args.outputs[0]!.shape);
  const outputs = args.outputs[0]!.data.length;
  const terms = loop.extents.reduce((p, d) => p * d, 1) / Math.max(1, outputs);
  return nonNegativeSums({ data: xs.map((_x, i) => i), roundings: () => terms + xs.length })(args);
};

export const INDEXING_RULES: Readonly<Record<string, BoundRule>> = {
  TopK: topK,
  NonZero: exact,
  Compress: copies(),
  GatherND: copies(),
  // Each output element is an element of X or zero.
  MaxUnpool: copies(),
  Scatter: scatter(({ inputs, attrs }) => scatterElementsWrites('Scatter', inputs[0]!, inputs[1]!, attrs)),
  ScatterElements: scatter(({ inputs, attrs }) => scatterElementsWrites('ScatterElements', inputs[0]!, inputs[1]!, attrs)),
  ScatterND: scatter(({ inputs }) => scatterNDWrites(inputs[0]!, inputs[1]!)),
  Einsum: einsum,
};
