import { eq, rule } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { facts } from '../numeric.js';
import { SQUARES_FIT_FLOAT32 } from './squares.js';

/** y = scale * (x - mean) / sqrt(var + epsilon) + B, with mean and var over each (batch, channel) plane. */
export const instanceNormalization: OpSpec = {
  name: 'InstanceNormalization',
  sinceVersion: 6,
  dtypes: FLOATS,
  inputs: [
    { name: 'input', rank: [3, 5] },
    { name: 'scale', rank: () => 1 },
    { name: 'B', rank: () => 1 },
  ],
  attrs: () => ({ epsilon: { kind: 'float', range: [1e-5, 1e-2], default: 1e-5 } }),
  requires: (ctx) => {
    const [x, scale, b] = ctx.inputs;
    return [
      rule('scale.shape == [input.shape[1]]', eq(scale!.shape[0]!, x!.shape[1]!)),
      rule('B.shape == [input.shape[1]]', eq(b!.shape[0]!, x!.shape[1]!)),
    ];
  },
  outputs: (ctx) => [ctx.inputs[0]!],
  // Its variance sums squares of the input.
  domain: SQUARES_FIT_FLOAT32,
  numeric: facts({ conditioning: { kind: 'normalization', statistics: 'spatial' } }),
};
