import { constValue, eq, rule, sum, type BoolExpr } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { normalizeAxis } from '../shapes.js';
import { ALL } from './dtypes.js';
import { facts } from '../numeric.js';
import { copiesOf } from '../ranges.js';
import { allVersions, nonNegativeAxes } from './versions.js';

export const concat: OpSpec = {
  name: 'Concat',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [{ name: 'inputs', rank: [1, 8], variadic: [1, 4] }],
  attrs: (ranks) => {
    const r = ranks[0]!;
    return { axis: { kind: 'choice', choices: [...Array(2 * r).keys()].map((i) => i - r) } };
  },
  requires: (ctx) => {
    const xs = ctx.inputs.map((x) => x!);
    const r = xs[0]!.shape.length;
    const axisValue = constValue(ctx.int('axis'))!;
    if (axisValue < -r || axisValue >= r) return [rule(`axis in [${-r}, ${r - 1}]`, eq(0, 1))];
    const axis = normalizeAxis(axisValue, r);
    const req: BoolExpr[] = [];
    for (const [j, x] of xs.entries()) {
      if (x.shape.length !== r) {
        req.push(rule(`input ${j} has rank ${r}`, eq(x.shape.length, r)));
        continue;
      }
      for (let i = 0; i < r; i++) if (i !== axis && j > 0) req.push(rule(`inputs agree on dim ${i}`, eq(x.shape[i]!, xs[0]!.shape[i]!)));
    }
    return req;
  },
  outputs: (ctx) => {
    const xs = ctx.inputs.map((x) => x!);
    const r = xs[0]!.shape.length;
    const axis = normalizeAxis(constValue(ctx.int('axis'))!, r);
    // Inputs of another rank break requires(); they are left out here so that outputs() never fails first.
    const same = xs.filter((x) => x.shape.length === r);
    const shape = xs[0]!.shape.map((d, i) => (i === axis ? sum(same.map((x) => x.shape[i]!)) : d));
    return [{ dtype: xs[0]!.dtype, shape }];
  },
  numeric: facts({ range: copiesOf('all'), exactness: { kind: 'copies' } }),
};

/** Concat-4 takes no negative axis (from 11 it does); 13 adds bfloat16. */
export const CONCAT_SPECS: readonly OpSpec[] = allVersions(concat, [[4, nonNegativeAxes(concat, ['axis'])], 11]);
