import type { ConcreteAttrs } from '../infer.js';
import type { OpSpec } from '../spec.js';
import { FLOATS, NUMERIC } from './dtypes.js';
import { facts } from '../numeric.js';
import { olderVersions } from './versions.js';

const numeric = facts({ exactness: { kind: 'copies' } });

/**
 * Clip from opset 11: the bounds are optional scalar inputs; a missing bound does not clip.
 * When min > max every element becomes max. Version 11 takes floats only, 12 adds integers and 13
 * bfloat16.
 */
export const clip: OpSpec = {
  name: 'Clip',
  sinceVersion: 13,
  dtypes: NUMERIC,
  inputs: [
    { name: 'input', rank: [0, 5] },
    { name: 'min', rank: [0, 0], optional: true },
    { name: 'max', rank: [0, 0], optional: true },
  ],
  outputs: (ctx) => [ctx.inputs[0]!],
  numeric,
};

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Clip-6 (opsets 6 to 10): floats only, the bounds are float attributes whose defaults (the float
 * range's ends) do not clip.
 */
export const clip6: OpSpec = {
  name: 'Clip',
  sinceVersion: 6,
  supersededAt: 11,
  dtypes: FLOATS,
  inputs: [{ name: 'input', rank: [0, 5] }],
  attrs: () => ({
    min: { kind: 'float', range: [-3, 0], default: -FLOAT32_MAX },
    max: { kind: 'float', range: [0, 6], default: FLOAT32_MAX },
  }),
  outputs: (ctx) => [ctx.inputs[0]!],
  // The bounds are attributes, not input elements (see Pad-2): the copies facts do not apply.
  numeric: facts(),
};

export const OLDER_CLIP_SPECS: readonly OpSpec[] = [clip6, ...olderVersions(clip, [[11, { dtypes: FLOATS }], 12])];

/**
 * The bounds a Clip node clips to, whatever its version: the scalar inputs (11 on), else the
 * attributes (6 to 10) when given; a missing bound is infinite.
 */
export function clipBounds(inputs: readonly ({ readonly data: ArrayLike<number> } | undefined)[], attrs: ConcreteAttrs): [lo: number, hi: number] {
  const bound = (input: number, attr: string, none: number) => {
    const given = inputs[input];
    if (given) return given.data[0]!;
    return attrs.has(attr) ? attrs.float(attr) : none;
  };
  return [bound(1, 'min', -Infinity), bound(2, 'max', Infinity)];
}
