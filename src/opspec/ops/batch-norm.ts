import { constValue, eq, rule, TRUE, FALSE } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { facts } from '../numeric.js';

const perChannel = (name: string) => ({ name, rank: () => 1 });

/**
 * BatchNormalization-15 in inference mode: y = (x - mean) / sqrt(var + epsilon) * scale + B, per
 * channel (dim 1). Training mode (running statistics as extra outputs) is not supported.
 */
export const batchNormalization: OpSpec = {
  name: 'BatchNormalization',
  sinceVersion: 15,
  dtypes: FLOATS,
  inputs: [{ name: 'X', rank: [2, 5] }, perChannel('scale'), perChannel('B'), perChannel('input_mean'), perChannel('input_var')],
  attrs: () => ({
    epsilon: { kind: 'float', range: [1e-5, 1e-2], default: 1e-5 },
    // Only used in training mode; accepted so that exported inference models import.
    momentum: { kind: 'float', range: [0.5, 0.99], default: 0.9 },
    training_mode: { kind: 'choice', choices: [0], default: 0 },
  }),
  requires: (ctx) => {
    const c = ctx.inputs[0]!.shape[1]!;
    const names = ['scale', 'B', 'input_mean', 'input_var'];
    return [
      rule('training_mode == 0 (inference only)', constValue(ctx.int('training_mode')) === 0 ? TRUE : FALSE),
      ...names.map((n, i) => rule(`${n}.shape == [X.shape[1]]`, eq(ctx.inputs[i + 1]!.shape[0]!, c))),
    ];
  },
  outputs: (ctx) => [ctx.inputs[0]!],
  // A negative variance has no square root.
  domain: [{ input: 4, min: 0 }],
  numeric: facts({ conditioning: { kind: 'normalization', statistics: 'given' } }),
};
