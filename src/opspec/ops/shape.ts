import { c, constValue } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';
import { facts } from '../numeric.js';
import { allVersions } from './versions.js';

/** The [first, last) dims Shape-15 reports: start and end count from the back when negative, then clamp to [0, r]. */
export function shapeRange(rank: number, start: number, end: number | undefined): [number, number] {
  const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  return [clampAxis(start), end === undefined ? rank : clampAxis(end)];
}

function range(ctx: SpecContext): [number, number] {
  const r = ctx.inputs[0]!.shape.length;
  return shapeRange(r, constValue(ctx.int('start'))!, ctx.has('end') ? constValue(ctx.int('end'))! : undefined);
}

/** Shape: the input's dims as a 1-D int64 tensor; Shape-15 added `start` and `end` to slice them. */
function shapeSpec(sinceVersion: number, supersededAt: number | undefined, withRange: boolean): OpSpec {
  return {
    name: 'Shape',
    sinceVersion,
    ...(supersededAt ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [{ name: 'data', rank: [0, 8] }],
    // Choices reach one past [-r, r] on each side, so that clamping is exercised.
    attrs: (ranks): Record<string, AttrSpec> => {
      if (!withRange) return {};
      const choices = [...Array(2 * ranks[0]! + 3).keys()].map((i) => i - ranks[0]! - 1);
      return {
        start: { kind: 'choice', choices, default: 0 },
        end: { kind: 'choice', choices, optional: true },
      };
    },
    // start past end gives an empty shape (valid ONNX; the generator, which never makes empty tensors, avoids it).
    outputs: (ctx) => {
      const [first, last] = withRange ? range(ctx) : [0, ctx.inputs[0]!.shape.length];
      return [{ dtype: 'int64', shape: [c(Math.max(0, last - first))] }];
    },
    numeric: facts(),
  };
}

/** Shape-1 and 13 (bfloat16) report every dim; 15 adds start and end; 19 and 21 add types we lack. */
export const SHAPE_SPECS: readonly OpSpec[] = [...allVersions(shapeSpec(13, 15, false), [1]), ...allVersions(shapeSpec(15, undefined, true), [], [19, 21])];
