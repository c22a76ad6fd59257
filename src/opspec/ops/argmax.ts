import { c, constValue, rule, TRUE, FALSE, type IntExpr } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { normalizeAxis } from '../shapes.js';
import { NUMERIC } from './dtypes.js';
import { facts } from '../numeric.js';

/** ArgMax and ArgMin (opset 13): the int64 index of the extreme along one axis. */
function argExtreme(name: string): OpSpec {
  return {
    name,
    sinceVersion: 13,
    dtypes: NUMERIC,
    inputs: [{ name: 'data', rank: [1, 5] }],
    attrs: (ranks) => {
      const r = ranks[0]!;
      return {
        axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r), default: 0 },
        keepdims: { kind: 'choice', choices: [0, 1], default: 1 },
        // 1 picks the last of equal extremes instead of the first.
        select_last_index: { kind: 'choice', choices: [0, 1], default: 0 },
      };
    },
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const axis = constValue(ctx.int('axis'))!;
      return [rule(`axis in [${-r}, ${r - 1}]`, axis >= -r && axis < r ? TRUE : FALSE)];
    },
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      const axis = normalizeAxis(constValue(ctx.int('axis'))!, x.shape.length);
      const keep = constValue(ctx.int('keepdims')) !== 0;
      const shape: IntExpr[] = [];
      x.shape.forEach((d, i) => {
        if (i !== axis) shape.push(d);
        else if (keep) shape.push(c(1));
      });
      return [{ dtype: 'int64', shape }];
    },
    numeric: facts({ discontinuity: { kind: 'arg-extreme' } }),
  };
}

export const argMax = argExtreme('ArgMax');
export const argMin = argExtreme('ArgMin');
