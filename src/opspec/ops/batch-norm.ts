import { constValue, eq, rule, TRUE, FALSE, type BoolExpr } from '../expr.js';
import type { AttrSpec, OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { facts } from '../numeric.js';
import { versionChain } from './versions.js';

const perChannel = (name: string) => ({ name, rank: () => 1 });

/**
 * BatchNormalization in inference mode: y = (x - mean) / sqrt(var + epsilon) * scale + B, per
 * channel (dim 1). Training mode (running statistics as extra outputs) is not supported. Version 7
 * has `spatial` (0: statistics per channel and position, which is not supported), 9 drops it, 14 adds
 * training_mode, and 15 lets the statistics' type differ from X's (they are X's type here).
 */
function batchNormVersion(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  const modeAttr: Record<string, AttrSpec> =
    sinceVersion >= 14
      ? { training_mode: { kind: 'choice', choices: [0], default: 0 } }
      : sinceVersion < 9
        ? { spatial: { kind: 'choice', choices: [1], default: 1 } }
        : {};
  return {
    name: 'BatchNormalization',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: FLOATS,
    inputs: [{ name: 'X', rank: [2, 5] }, perChannel('scale'), perChannel('B'), perChannel('input_mean'), perChannel('input_var')],
    attrs: () => ({
      epsilon: { kind: 'float', range: [1e-5, 1e-2], default: 1e-5 },
      // Only used in training mode; accepted so that exported inference models import.
      momentum: { kind: 'float', range: [0.5, 0.99], default: 0.9 },
      ...modeAttr,
    }),
    requires: (ctx) => {
      const c = ctx.inputs[0]!.shape[1]!;
      const names = ['scale', 'B', 'input_mean', 'input_var'];
      const req: BoolExpr[] = names.map((n, i) => rule(`${n}.shape == [X.shape[1]]`, eq(ctx.inputs[i + 1]!.shape[0]!, c)));
      if (sinceVersion >= 14) req.unshift(rule('training_mode == 0 (inference only)', constValue(ctx.int('training_mode')) === 0 ? TRUE : FALSE));
      if (sinceVersion < 9) req.unshift(rule('spatial == 1 (per-channel statistics)', constValue(ctx.int('spatial')) === 1 ? TRUE : FALSE));
      return req;
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    // A negative variance has no square root.
    domain: [{ input: 4, min: 0 }],
    numeric: facts({ conditioning: { kind: 'normalization', statistics: 'given' } }),
  };
}

export const BATCH_NORM_SPECS: readonly OpSpec[] = versionChain([7, 9, 14, 15], batchNormVersion);
