import type { Tensor } from '../../../ir/tensor.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { splitAt } from '../../cpu/indexing.js';
import { compressKernel } from '../../cpu/kernels/selection.js';
import { einsumLoop, forEachEinsumTerm } from '../../cpu/kernels/einsum.js';
import { gatherNDKernel } from '../../cpu/kernels/gather-nd.js';
import { maxUnpoolKernel } from '../../cpu/kernels/maxunpool.js';
import { reductionOf, scatterElementsKernel, scatterElementsWrites, scatterNDKernel, scatterNDWrites, type ScatterWrites } from '../../cpu/kernels/scatter.js';
import { exact, proxy, type GradArgs, type GradRule, type OpGradient } from '../gradient.js';
import { routed } from '../helpers.js';

/** TopK: each value's gradient goes back to the element its index names. */
const topKGrad: GradRule = ({ inputs, attrs, outputs, dy }) => {
  const g = dy[0];
  if (!g) return [];
  const x = inputs[0]!;
  const axis = normalizeAxis(attrs.int('axis'), x.shape.length);
  const { outer, len, inner } = splitAt(x.shape, axis);
  const k = outputs[0]!.shape[axis]!;
  const dx = new Float64Array(x.data.length);
  const indices = outputs[1]!.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * k + j) * inner + i;
        dx[(o * len + indices[at]!) * inner + i]! += g[at]!;
      }
    }
  }
  return [dx];
};

/**
 * A scatter with a reduction: add passes the gradient to the data and to every update; mul to each
 * factor times the others; max and min to the first operand that holds the result (the data, then
 * the updates in order). Without one, the op only moves elements (routed).
 */
function scatterGrad(writesOf: (args: GradArgs) => ScatterWrites, kernel: Parameters<typeof routed>[0]): GradRule {
  const moved = routed(kernel, { data: () => [0, 2] });
  return (args) => {
    const reduction = reductionOf(args.attrs);
    if (reduction === 'none') return moved(args);
    const g = args.dy[0];
    if (!g) return [];
    const [data, , updates] = args.inputs as [Tensor, Tensor, Tensor];
    const writes = writesOf(args);
    const dData = new Float64Array(data.data.length);
    const dUpdates = new Float64Array(updates.data.length);
    const byTarget = new Map<number, number[]>();
    for (let w = 0; w < writes.target.length; w++) byTarget.set(writes.target[w]!, [...(byTarget.get(writes.target[w]!) ?? []), writes.update[w]!]);
    for (let t = 0; t < data.data.length; t++) {
      const us = byTarget.get(t) ?? [];
      const operands = [data.data[t]!, ...us.map((u) => updates.data[u]!)];
      const partials = operands.map((_v, i) => {
        if (reduction === 'add') return 1;
        if (reduction === 'mul') return operands.reduce((p, v, j) => (j === i ? p : p * v), 1);
        const y = args.outputs[0]!.data[t]!;
        return operands.findIndex((v) => v === y) === i ? 1 : 0;
      });
      dData[t] = g[t]! * partials[0]!;
      us.forEach((u, i) => (dUpdates[u]! += g[t]! * partials[i + 1]!));
    }
    return [dData, undefined, dUpdates];
  };
}

/** Einsum: each operand's gradient is the loop again, with that operand's factor replaced by the output's gradient. */
const einsumGrad: GradRule = ({ inputs, attrs, outputTypes, dy }) => {
  const g = dy[0];
  if (!g) return [];
  const xs = inputs as Tensor[];
  const loop = einsumLoop(xs, attrs, outputTypes[0]!.shape);
  const grads = xs.map((x) => new Float64Array(x.data.length));
  forEachEinsumTerm(loop, (offsets, out) => {
    for (let k = 0; k < xs.length; k++) {
      let term = g[out]!;
      for (let j = 0; j < xs.length; j++) if (j !== k) term *= xs[j]!.data[offsets[j]!]!;
      grads[k]![offsets[k]!]! += term;
    }
  });
  return grads;
};

export const indexingGradients: Readonly<Record<string, OpGradient>> = {
  TopK: exact(topKGrad),
  // Its data is a constant the generator chose: nothing to search.
  NonZero: proxy(() => []),
  Compress: exact(routed(compressKernel)),
  GatherND: exact(routed(gatherNDKernel)),
  MaxUnpool: exact(routed(maxUnpoolKernel)),
  Scatter: exact(scatterGrad(({ inputs, attrs }) => scatterElementsWrites('Scatter', inputs[0]!, inputs[1]!, attrs), scatterElementsKernel('Scatter'))),
  ScatterElements: exact(
    scatterGrad(({ inputs, attrs }) => scatterElementsWrites('ScatterElements', inputs[0]!, inputs[1]!, attrs), scatterElementsKernel('ScatterElements')),
  ),
  ScatterND: exact(scatterGrad(({ inputs }) => scatterNDWrites(inputs[0]!, inputs[1]!), scatterNDKernel)),
  Einsum: exact(einsumGrad),
};

