import { reducedAxes } from '../../../opspec/ops/reduce.js';
import { stridesOf } from '../../../ir/tensor.js';
import { result, type Kernel, type KernelArgs } from '../kernel.js';

/**
 * Generic reduction: every input element is folded into the output element it reduces to.
 * `finish` turns the folded value and the count of reduced elements into the result.
 */
function reduceKernel(spec: {
  init: number;
  fold: (acc: number, x: number) => number;
  finish?: (acc: number, count: number) => number;
}): Kernel {
  return ({ inputs, attrs, outputs }: KernelArgs) => {
    const x = inputs[0]!;
    const out = outputs[0]!;
    const rank = x.shape.length;
    const noop = attrs.has('noop_with_empty_axes') && attrs.int('noop_with_empty_axes') === 1;
    const axes = reducedAxes(rank, attrs.has('axes') ? attrs.ints('axes') : undefined, noop)!;
    const reduced = new Set(axes);
    // Output strides over the input's dims (0 for reduced dims), whatever keepdims says.
    const keptShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
    const keptStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
    const outSize = keptShape.reduce((a, b) => a * b, 1);
    const acc = new Float64Array(outSize).fill(spec.init);
    const count = x.data.length / Math.max(outSize, 1);
    const counter = new Array<number>(rank).fill(0);
    let dst = 0;
    for (let i = 0; i < x.data.length; i++) {
      acc[dst] = spec.fold(acc[dst]!, x.data[i]!);
      for (let d = rank - 1; d >= 0; d--) {
        counter[d]!++;
        dst += keptStrides[d]!;
        if (counter[d]! < x.shape[d]!) break;
        dst -= keptStrides[d]! * x.shape[d]!;
        counter[d] = 0;
      }
    }
    const finish = spec.finish;
    if (finish) for (let i = 0; i < acc.length; i++) acc[i] = finish(acc[i]!, count);
    return [result(out, acc)];
  };
}

export const reduceKernels = {
  ReduceSum: reduceKernel({ init: 0, fold: (a, x) => a + x }),
  ReduceMean: reduceKernel({ init: 0, fold: (a, x) => a + x, finish: (a, n) => a / n }),
};
