import { groupByReducedAxes } from '../../cpu/kernels/reduce.js';
import { exact, type GradArgs, type OpGradient } from '../gradient.js';

/**
 * A reduction's gradient: each input element gets its output element's gradient times
 * `partial(x, y, count)`, the derivative of the reduced value with respect to that element.
 */
function perElement(partial: (x: number, y: number, count: number) => number): OpGradient {
  return exact(({ inputs, attrs, outputs, dy: [dy] }: GradArgs) => {
    if (!dy) return [];
    const x = inputs[0]!;
    const y = outputs[0]!.data;
    const { target, count } = groupByReducedAxes(x, attrs);
    const dx = new Float64Array(x.data.length);
    for (let i = 0; i < dx.length; i++) dx[i] = dy[target[i]!]! * partial(x.data[i]!, y[target[i]!]!, count);
    return [dx, undefined];
  });
}

/** ReduceMax/ReduceMin: the first element that holds the extreme takes the whole gradient. */
const toFirstExtreme = exact(({ inputs, attrs, outputs, dy: [dy] }: GradArgs) => {
  if (!dy) return [];
  const x = inputs[0]!;
  const y = outputs[0]!.data;
  const { target, outSize } = groupByReducedAxes(x, attrs);
  const taken = new Uint8Array(outSize);
  const dx = new Float64Array(x.data.length);
  for (let i = 0; i < dx.length; i++) {
    const o = target[i]!;
    if (!taken[o] && x.data[i] === y[o]) {
      dx[i] = dy[o]!;
      taken[o] = 1;
    }
  }
  return [dx, undefined];
});

/**
 * ReduceProd: the product of the other elements. Computed from the product of the nonzero ones and
 * the count of zeros, so that a zero element still gets its gradient without a division by zero.
 */
const reduceProd = exact(({ inputs, attrs, dy: [dy] }: GradArgs) => {
  if (!dy) return [];
  const x = inputs[0]!;
  const { target, outSize } = groupByReducedAxes(x, attrs);
  const nonzeroProduct = new Float64Array(outSize).fill(1);
  const zeros = new Int32Array(outSize);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i]!;
    if (v === 0) zeros[target[i]!]!++;
    else nonzeroProduct[target[i]!]! *= v;
  }
  const dx = new Float64Array(x.data.length);
  for (let i = 0; i < dx.length; i++) {
    const o = target[i]!;
    const v = x.data[i]!;
    const others = v === 0 ? (zeros[o] === 1 ? nonzeroProduct[o]! : 0) : zeros[o]! > 0 ? 0 : nonzeroProduct[o]! / v;
    dx[i] = dy[o]! * others;
  }
  return [dx, undefined];
});

export const reduceGradients: Readonly<Record<string, OpGradient>> = {
  ReduceSum: perElement(() => 1),
  ReduceMean: perElement((_x, _y, count) => 1 / count),
  ReduceMax: toFirstExtreme,
  ReduceMin: toFirstExtreme,
  ReduceProd: reduceProd,
  ReduceL1: perElement((x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  ReduceL2: perElement((x, y) => (y === 0 ? 0 : x / y)),
  ReduceSumSquare: perElement((x) => 2 * x),
  // y = log(s): dy/dx = 1 / s = exp(-y).
  ReduceLogSum: perElement((_x, y) => Math.exp(-y)),
  ReduceLogSumExp: perElement((x, y) => Math.exp(x - y)),
};
