import { broadcastStrides, forEachBroadcast } from '../../cpu/indexing.js';
import { exact, type GradArgs, type OpGradient } from '../gradient.js';

/**
 * Elementwise over broadcast inputs: `share(values, y)` says how much of each output element's
 * gradient each input receives (written into `weights`); sums back over broadcast dims.
 */
function variadicGrad(share: (values: readonly number[], y: number, weights: number[]) => void) {
  return ({ inputs, outputs, dy: [dy] }: GradArgs): (Float64Array | undefined)[] => {
    if (!dy) return [];
    const xs = inputs.map((x) => x!);
    const y = outputs[0]!;
    const grads = xs.map((x) => new Float64Array(x.data.length));
    const values = new Array<number>(xs.length).fill(0);
    const weights = new Array<number>(xs.length).fill(0);
    forEachBroadcast(y.shape, xs.map((x) => broadcastStrides(x.shape, y.shape)), (i, offsets) => {
      for (let j = 0; j < xs.length; j++) values[j] = xs[j]!.data[offsets[j]!]!;
      share(values, y.data[i]!, weights);
      for (let j = 0; j < xs.length; j++) grads[j]![offsets[j]!]! += dy[i]! * weights[j]!;
    });
    return grads;
  };
}

/** Max and Min: the whole gradient goes to the first input that holds the extreme. */
function toFirstEqual(values: readonly number[], y: number, weights: number[]): void {
  const winner = values.indexOf(y);
  for (let j = 0; j < values.length; j++) weights[j] = j === winner ? 1 : 0;
}

export const variadicGradients: Readonly<Record<string, OpGradient>> = {
  Max: exact(variadicGrad(toFirstEqual)),
  Min: exact(variadicGrad(toFirstEqual)),
  Sum: exact(variadicGrad((values, _y, weights) => weights.fill(1))),
  Mean: exact(variadicGrad((values, _y, weights) => weights.fill(1 / values.length))),
};
