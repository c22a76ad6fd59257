import { c, constValue, FALSE, rule, TRUE } from '../expr.js';
import { facts, type Discontinuity } from '../numeric.js';
import { mvnGroups } from '../groups.js';
import type { OpSpec } from '../spec.js';
import { FLOATS } from './dtypes.js';

/**
 * LRN: x / (bias + alpha / size * (sum of squares over the size channels around it)) ^ beta, the
 * window running from c - floor((size - 1) / 2) to c + ceil((size - 1) / 2). onnxruntime runs
 * 4-D inputs only (N, C, H, W). Version 13 adds bfloat16. The squares stay finite in float32 well
 * within the domain rule.
 */
function lrnSpec(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  return {
    name: 'LRN',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: FLOATS,
    inputs: [{ name: 'X', rank: [4, 4] }],
    attrs: () => ({
      alpha: { kind: 'float', range: [1e-4, 0.1], default: 1e-4 },
      beta: { kind: 'float', range: [0.5, 1], default: 0.75 },
      bias: { kind: 'float', range: [0.5, 2], default: 1 },
      // Any size >= 1 is valid; onnxruntime takes odd ones only, so the generator draws those.
      size: { kind: 'choice', choices: [1, 3, 5] },
    }),
    requires: (ctx) => [rule('size >= 1', (constValue(ctx.int('size')) ?? 0) >= 1 ? TRUE : FALSE)],
    outputs: (ctx) => [ctx.inputs[0]!],
    domain: [{ input: 0, min: -1e12, max: 1e12 }],
    numeric: facts({ range: { keepsZero: true } }),
  };
}

export const lrn1 = lrnSpec(1, 13);
export const lrn = lrnSpec(13, undefined);

/**
 * MeanVarianceNormalization: (x - mean) / (sqrt(variance) + 1e-9), the statistics over 'axes'
 * (default [0, 2, 3]), as ONNX's function body computes it. Version 13 adds bfloat16.
 */
function mvnSpec(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  return {
    name: 'MeanVarianceNormalization',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: FLOATS,
    inputs: [{ name: 'X', rank: [1, 5] }],
    attrs: (ranks) => ({ axes: { kind: 'axes', rank: ranks[0]!, count: [1, ranks[0]!], default: [0, 2, 3] } }),
    requires: (ctx) => {
      const r = ctx.inputs[0]!.shape.length;
      const axes = ctx.ints('axes').map((a) => constValue(a)!);
      const normalized = axes.map((a) => (a < 0 ? a + r : a));
      const ok = normalized.every((a) => a >= 0 && a < r) && new Set(normalized).size === normalized.length;
      return [rule(`axes are distinct and in [${-r}, ${r - 1}]`, ok ? TRUE : FALSE)];
    },
    outputs: (ctx) => [ctx.inputs[0]!],
    numeric: facts({ discontinuity: { kind: 'own', near: flatGroup } }),
  };
}

/**
 * A group whose deviation is within the margin of its largest magnitude: 1e-9 hardly guards the
 * division, so the rounding of nearly equal values decides the output. A group of zeros too: its
 * variance is exactly 0, where ONNX's 1e-9 gives 0 and onnxruntime, which leaves it out (a recorded
 * deviation for groups of one element, which shapes alone show), gives NaN.
 */
const flatGroup: Extract<Discontinuity, { kind: 'own' }>['near'] = ([x], attrs, margin) => {
  if (!x) return undefined;
  for (const group of mvnGroups(x.shape, attrs.ints('axes'))) {
    if (group.length < 2) continue;
    let mean = 0;
    let largest = 0;
    for (const k of group) {
      mean += x.data[k]! / group.length;
      largest = Math.max(largest, Math.abs(x.data[k]!));
    }
    let variance = 0;
    for (const k of group) variance += (x.data[k]! - mean) ** 2 / group.length;
    if (largest === 0) return 'a group holds only zeros: its variance is 0';
    if (Math.sqrt(variance) <= margin * largest) return `a group's deviation ${Math.sqrt(variance)} is within ${margin} of its values (up to ${largest})`;
  }
  return undefined;
};

export const meanVarianceNormalization9 = mvnSpec(9, 13);
export const meanVarianceNormalization = mvnSpec(13, undefined);

/**
 * GlobalLpPool-2: the p-norm of each (batch, channel) plane. |x|^p is summed in the input's type, so
 * the domain rule is LpPool's.
 */
export const globalLpPool: OpSpec = {
  name: 'GlobalLpPool',
  sinceVersion: 2,
  dtypes: FLOATS,
  inputs: [{ name: 'X', rank: [3, 5] }],
  attrs: () => ({ p: { kind: 'choice', choices: [1, 2, 3], default: 2 } }),
  outputs: (ctx) => {
    const x = ctx.inputs[0]!;
    return [{ dtype: ctx.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => c(1))] }];
  },
  domain: [{ input: 0, min: -1e11, max: 1e11 }],
  numeric: facts({ range: { forward: () => ({ lo: 0, hi: Infinity }) } }),
};
