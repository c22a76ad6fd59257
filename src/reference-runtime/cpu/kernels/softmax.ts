import { softmaxLanes } from '../../../opspec/ops/softmax.js';
import { result, type Kernel } from '../kernel.js';

/**
 * Softmax or LogSoftmax along one axis (opset 13; before it, over the dims from the axis on), shifted by the max for stability. The log form
 * is computed as (x - max) - log(sum), not log(softmax), so it stays finite where softmax underflows.
 */
function softmaxAlongAxis(log: boolean): Kernel {
  return ({ inputs, attrs, outputs }) => {
    const x = inputs[0]!;
    const { outer, len, inner } = softmaxLanes(x.shape, attrs);
    const data = new Float64Array(x.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let m = -Infinity;
        for (let j = 0; j < len; j++) m = Math.max(m, x.data[base + j * inner]!);
        let s = 0;
        for (let j = 0; j < len; j++) {
          const shifted = x.data[base + j * inner]! - m;
          const e = Math.exp(shifted);
          data[base + j * inner] = log ? shifted : e;
          s += e;
        }
        const logSum = Math.log(s);
        for (let j = 0; j < len; j++) {
          if (log) data[base + j * inner]! -= logSum;
          else data[base + j * inner]! /= s;
        }
      }
    }
    return [result(outputs[0]!, data)];
  };
}

export const softmaxKernels: Readonly<Record<string, Kernel>> = {
  Softmax: softmaxAlongAxis(false),
  LogSoftmax: softmaxAlongAxis(true),
};
