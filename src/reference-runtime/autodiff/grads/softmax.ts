import { softmaxLanes } from '../../../opspec/ops/softmax.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/**
 * One rule per normalized lane: `lane(dy, y, dx, base, len, inner)` writes dx along the elements
 * base + j * inner, j < len. The lanes are the kernel's (softmaxLanes: before opset 13 the input
 * is coerced to 2-D).
 */
function alongAxis(lane: (dy: Float64Array, y: Float64Array, dx: Float64Array, base: number, len: number, inner: number) => void): GradRule {
  return (args) => {
    const dy = args.dy[0];
    if (!dy) return [];
    const y = args.outputs[0]!;
    const { outer, len, inner } = softmaxLanes(y.shape, args.attrs);
    const dx = new Float64Array(dy.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) lane(dy, y.data, dx, o * len * inner + i, len, inner);
    return [dx];
  };
}

/** y = softmax(x): dx_j = y_j * (dy_j - sum_k dy_k y_k). */
const softmaxGrad = alongAxis((dy, y, dx, base, len, inner) => {
  let dot = 0;
  for (let j = 0; j < len; j++) dot += dy[base + j * inner]! * y[base + j * inner]!;
  for (let j = 0; j < len; j++) {
    const at = base + j * inner;
    dx[at] = y[at]! * (dy[at]! - dot);
  }
});

/** y = log softmax(x): dx_j = dy_j - softmax_j * sum_k dy_k, with softmax_j = exp(y_j). */
const logSoftmaxGrad = alongAxis((dy, y, dx, base, len, inner) => {
  let total = 0;
  for (let j = 0; j < len; j++) total += dy[base + j * inner]!;
  for (let j = 0; j < len; j++) {
    const at = base + j * inner;
    dx[at] = dy[at]! - Math.exp(y[at]!) * total;
  }
});

export const softmaxGradients: Readonly<Record<string, OpGradient>> = {
  Softmax: exact(softmaxGrad),
  LogSoftmax: exact(logSoftmaxGrad),
};
