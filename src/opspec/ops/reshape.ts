import { c, constValue, eq, product, rule, FALSE, TRUE, type IntExpr } from '../expr.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { allConst } from '../shapes.js';
import { ALL } from './dtypes.js';
import { COPY_FACTS } from '../ranges.js';
import { allVersions } from './versions.js';

/**
 * Reshape with its target shape as a constant int64 input. Generated targets are positive dims whose
 * product matches; imported ones may also use 0 (copy the input dim, unless allowzero) and -1 (infer).
 * Reshape-14 added `allowzero`; Reshape-5 (opsets 5 to 13) is the same op without it.
 */
function reshapeSpec(sinceVersion: number, supersededAt: number | undefined, withAllowZero: boolean): OpSpec {
  return {
    name: 'Reshape',
    sinceVersion,
    ...(supersededAt ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [
      { name: 'data', rank: [0, 8] },
      { name: 'shape', dtype: 'int64', rank: () => 1, constantFrom: 'shape' },
    ],
    attrs: () => ({
      shape: { kind: 'ints', length: [1, 5], domain: [1, 64] },
      ...(withAllowZero ? { allowzero: { kind: 'choice', choices: [0], default: 0 } as const } : {}),
    }),
    requires: (ctx) => {
      const target = ctx.ints('shape');
      const inShape = ctx.inputs[0]!.shape;
      const concrete = allConst(target);
      const dims = allConst(inShape);
      if (concrete && dims) {
        return [rule('target shape is compatible with the input size', resolveReshape(dims, concrete, allowZero(ctx)) ? TRUE : FALSE)];
      }
      return [rule('target shape has as many elements as the input', eq(product(target), product(inShape)))];
    },
    outputs: (ctx) => {
      const target = ctx.ints('shape');
      const concrete = allConst(target);
      const dims = allConst(ctx.inputs[0]!.shape);
      if (concrete && dims) {
        const resolved = resolveReshape(dims, concrete, allowZero(ctx));
        if (!resolved) throw new Error('Reshape: target shape is incompatible with the input size');
        return [{ dtype: ctx.inputs[0]!.dtype, shape: resolved.map(c) }];
      }
      return [{ dtype: ctx.inputs[0]!.dtype, shape: target as IntExpr[] }];
    },
    numeric: COPY_FACTS,
  };
}

/** Reshape-5 and 13 (bfloat16) have no allowzero; 14 adds it, 19 and 21 types we lack. */
export const RESHAPE_SPECS: readonly OpSpec[] = [...allVersions(reshapeSpec(13, 14, false), [5]), ...allVersions(reshapeSpec(14, undefined, true), [], [19, 21])];

function allowZero(ctx: SpecContext): boolean {
  return ctx.has('allowzero') && constValue(ctx.int('allowzero')) === 1;
}

/** ONNX Reshape's resolution of 0 and -1 entries; undefined when the target does not fit. */
export function resolveReshape(inShape: readonly number[], target: readonly number[], allowzero: boolean): number[] | undefined {
  const total = inShape.reduce((a, b) => a * b, 1);
  const out = target.map((d, i) => (d === 0 && !allowzero ? (inShape[i] ?? -2) : d));
  if (out.some((d) => d < -1)) return undefined;
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1) return undefined;
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) return undefined;
    return out.map((d) => (d === -1 ? total / known : d));
  }
  return known === total ? out : undefined;
}
