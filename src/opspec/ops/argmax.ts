import { c, constValue, rule, TRUE, FALSE, type IntExpr } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { normalizeAxis } from '../shapes.js';
import { NUMERIC } from './dtypes.js';
import { facts } from '../numeric.js';
import { nonNegativeAxes, versionChain } from './versions.js';

/**
 * ArgMax and ArgMin: the int64 index of the extreme along one axis. Version 1 takes no negative axis
 * and 11 does; 12 adds select_last_index and 13 bfloat16.
 */
function argExtreme(name: string, sinceVersion: number, supersededAt: number | undefined): OpSpec {
  return {
    name,
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: NUMERIC,
    inputs: [{ name: 'data', rank: [1, 5] }],
    attrs: (ranks) => {
      const r = ranks[0]!;
      return {
        axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r), default: 0 },
        keepdims: { kind: 'choice', choices: [0, 1], default: 1 },
        // 1 picks the last of equal extremes instead of the first.
        ...(sinceVersion >= 12 ? { select_last_index: { kind: 'choice', choices: [0, 1], default: 0 } as const } : {}),
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

function argVersions(name: string): OpSpec[] {
  return versionChain([1, 11, 12, 13], (since, supersededAt) => {
    const spec = argExtreme(name, since, supersededAt);
    return since < 11 ? { ...spec, ...nonNegativeAxes(spec, ['axis']) } : spec;
  });
}

export const ARG_EXTREME_SPECS: readonly OpSpec[] = [...argVersions('ArgMax'), ...argVersions('ArgMin')];
