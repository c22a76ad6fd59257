import { constValue, rule, TRUE, FALSE } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { WIDE_NUMERIC } from './dtypes.js';
import { facts } from '../numeric.js';
import { allVersions } from './versions.js';

/** CumSum (opset 14): running sums along the axis given by a rank-0 constant input. */
export const cumSum: OpSpec = {
  name: 'CumSum',
  sinceVersion: 14,
  dtypes: WIDE_NUMERIC,
  inputs: [
    { name: 'x', rank: [1, 5] },
    { name: 'axis', dtypes: ['int32', 'int64'], rank: () => 0, constantFrom: 'axis' },
  ],
  attrs: (ranks) => {
    const r = ranks[0]!;
    return {
      axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r) },
      // 1: each sum leaves out its own element (the first one is 0).
      exclusive: { kind: 'choice', choices: [0, 1], default: 0 },
      // 1: sums run from the end of the axis.
      reverse: { kind: 'choice', choices: [0, 1], default: 0 },
    };
  },
  requires: (ctx) => {
    const r = ctx.inputs[0]!.shape.length;
    const axis = constValue(ctx.int('axis'));
    const ok = axis !== undefined && axis >= -r && axis < r;
    return [rule(`axis in [${-r}, ${r - 1}]`, ok ? TRUE : FALSE)];
  },
  outputs: (ctx) => [ctx.inputs[0]!],
  numeric: facts({ overflow: 'grows' }),
};

/** CumSum-11 differs from 14 by bfloat16 and float16 only. */
export const CUMSUM_SPECS: readonly OpSpec[] = allVersions(cumSum, [[11, { dtypes: WIDE_NUMERIC.filter((d) => d !== 'float16') }]]);
