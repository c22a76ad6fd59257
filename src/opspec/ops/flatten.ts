import { constValue, product, rule, TRUE, FALSE } from '../expr.js';
import type { OpSpec } from '../spec.js';
import { ALL, FLOATS } from './dtypes.js';
import { allVersions, nonNegativeAxes } from './versions.js';
import { COPY_FACTS } from '../ranges.js';

/** Flatten to 2-D: the dims before `axis` make the rows, the rest the columns. */
export const flatten: OpSpec = {
  name: 'Flatten',
  sinceVersion: 13,
  dtypes: ALL,
  inputs: [{ name: 'input', rank: [1, 8] }],
  attrs: (ranks) => {
    const r = ranks[0]!;
    // Unlike most axes, Flatten's may equal the rank (all dims in the rows, one column).
    return { axis: { kind: 'choice', choices: [...Array(2 * r + 1).keys()].map((i) => i - r), default: 1 } };
  },
  requires: (ctx) => {
    const r = ctx.inputs[0]!.shape.length;
    const axis = constValue(ctx.int('axis'))!;
    return [rule(`axis in [${-r}, ${r}]`, axis >= -r && axis <= r ? TRUE : FALSE)];
  },
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    const r = x.shape.length;
    const raw = constValue(ctx.int('axis'))!;
    const axis = raw < 0 ? raw + r : raw;
    return [{ dtype: x.dtype, shape: [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))] }];
  },
  numeric: COPY_FACTS,
};

/** Flatten-1 flattens floats only, 9 any type; both take no negative axis (11 does); 13 and 21 add types we lack. */
export const FLATTEN_SPECS: readonly OpSpec[] = allVersions(
  flatten,
  [[1, { dtypes: FLOATS, ...nonNegativeAxes(flatten, ['axis']) }], [9, nonNegativeAxes(flatten, ['axis'])], 11],
  [21],
);
