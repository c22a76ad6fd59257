import { and, c, constValue, eq, ge, or, rule, type BoolExpr, type IntExpr } from '../expr.js';
import { facts, type NumericFacts } from '../numeric.js';
import type { AttrSpec, DomainRule, OpSpec, SpecContext } from '../spec.js';
import { FLOATS } from './dtypes.js';
import { versionChain } from './versions.js';
import { padsBelowKernel, slidingWindowDims, slidingWindowRules, windowListsFit, type WindowParams } from './sliding-window.js';

/** What distinguishes one windowed pool from another. */
interface PoolKind {
  readonly name: string;
  readonly sinceVersion: number;
  readonly supersededAt?: number;
  readonly hasDilations: boolean;
  readonly hasCeilMode: boolean;
  /** Attributes of this pool only (count_include_pad, storage_order, p). */
  readonly extraAttrs: Readonly<Record<string, AttrSpec>>;
  readonly outputCount?: readonly [number, number];
  readonly extraRules?: (window: WindowParams<IntExpr>) => BoolExpr[];
  readonly numeric: NumericFacts;
  readonly domain?: readonly DomainRule[];
}

function poolAttrs(kind: PoolKind, s: number): Record<string, AttrSpec> {
  return {
    kernel_shape: { kind: 'ints', length: s, domain: [1, 5] },
    strides: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) },
    pads: { kind: 'ints', length: 2 * s, domain: [0, 3], default: new Array<number>(2 * s).fill(0) },
    auto_pad: { kind: 'string', choices: ['NOTSET'], accept: ['SAME_UPPER', 'SAME_LOWER', 'VALID'], default: 'NOTSET' },
    ...(kind.hasDilations ? { dilations: { kind: 'ints', length: s, domain: [1, 3], default: new Array<number>(s).fill(1) } } : {}),
    ...(kind.hasCeilMode ? { ceil_mode: { kind: 'choice', choices: [0, 1], default: 0 } } : {}),
    ...kind.extraAttrs,
  };
}

/** The window a pool node slides, read from its attributes (ceil_mode is drawn concretely). */
function poolWindow(ctx: SpecContext, kind: Pick<PoolKind, 'hasDilations' | 'hasCeilMode'>): WindowParams<IntExpr> {
  const s = ctx.inputs[0]!.shape.length - 2;
  return {
    strides: ctx.ints('strides'),
    dilations: kind.hasDilations ? ctx.ints('dilations') : new Array<IntExpr>(s).fill(c(1)),
    pads: ctx.ints('pads'),
    autoPad: ctx.str('auto_pad'),
    ceilMode: kind.hasCeilMode && constValue(ctx.int('ceil_mode')) === 1,
  };
}

function windowedPool(kind: PoolKind): OpSpec {
  return {
    name: kind.name,
    sinceVersion: kind.sinceVersion,
    ...(kind.supersededAt !== undefined ? { supersededAt: kind.supersededAt } : {}),
    ...(kind.outputCount ? { outputCount: kind.outputCount } : {}),
    dtypes: FLOATS,
    inputs: [{ name: 'X', rank: [3, 5] }],
    attrs: (ranks) => poolAttrs(kind, ranks[0]! - 2),
    requires: (ctx) => {
      const x = ctx.inputs[0]!;
      const kernel = ctx.ints('kernel_shape');
      const window = poolWindow(ctx, kind);
      if (!windowListsFit(x.shape.length - 2, kernel, window)) return slidingWindowRules(x.shape.slice(2), kernel, window);
      const req: BoolExpr[] = kernel.map((k) => rule('kernel_shape >= 1', ge(k, 1)));
      req.push(...slidingWindowRules(x.shape.slice(2), kernel, window));
      if (window.autoPad === 'NOTSET') req.push(...padsBelowKernel(kernel, window.pads));
      if (kind.extraRules) req.push(...kind.extraRules(window));
      return req;
    },
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      const shape = [x.shape[0]!, x.shape[1]!, ...slidingWindowDims(x.shape.slice(2), ctx.ints('kernel_shape'), poolWindow(ctx, kind))];
      const y = { dtype: ctx.dtype, shape };
      return ctx.outputCount === 2 ? [y, { dtype: 'int64' as const, shape }] : [y];
    },
    numeric: kind.numeric,
    ...(kind.domain ? { domain: kind.domain } : {}),
  };
}

/** A dilated window over a padded dim can miss every input element: MaxPool's max would be -inf, AveragePool's mean 0 / 0. */
function dilatedDimsHaveNoPads(w: { strides: readonly IntExpr[]; dilations: readonly IntExpr[]; pads: readonly IntExpr[] }) {
  const s = w.strides.length;
  return w.dilations.map((d, i) => rule(`a dilated spatial dim ${i} has no pads`, or(eq(d, 1), and(eq(w.pads[i]!, 0), eq(w.pads[i + s]!, 0)))));
}

const MAX_POOL_NUMERIC = facts({ exactness: { kind: 'copies' }, discontinuity: { kind: 'window-extreme' } });

/**
 * MaxPool-v. Version 8 added storage_order and the optional Indices output, 10 dilations and
 * ceil_mode; 11 and 12 differ from 10 by auto_pad wording and 8-bit types only.
 */
function maxPoolVersion(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  const withIndices = sinceVersion >= 8;
  const windowed = sinceVersion >= 10;
  return windowedPool({
    name: 'MaxPool',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    hasDilations: windowed,
    hasCeilMode: windowed,
    extraAttrs: withIndices ? { storage_order: { kind: 'choice', choices: [0, 1], default: 0 } } : {},
    outputCount: withIndices ? [1, 2] : [1, 1],
    // A dilated window over a padded dim can miss every input element (its max would be -inf).
    ...(windowed ? { extraRules: dilatedDimsHaveNoPads } : {}),
    // Each output is a window's element; the optional Indices output says which, and flips on a tie.
    numeric: MAX_POOL_NUMERIC,
  });
}

export const MAX_POOL_SPECS: readonly OpSpec[] = versionChain([1, 8, 10, 11, 12], maxPoolVersion);

const COUNT_INCLUDE_PAD: Readonly<Record<string, AttrSpec>> = { count_include_pad: { kind: 'choice', choices: [0, 1], default: 0 } };

/** AveragePool-7 (count_include_pad), 10 (ceil_mode), 11 (auto_pad wording) and 19 (dilations). */
function averagePoolVersion(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  return windowedPool({
    name: 'AveragePool',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    hasDilations: sinceVersion >= 19,
    hasCeilMode: sinceVersion >= 10,
    extraAttrs: COUNT_INCLUDE_PAD,
    ...(sinceVersion >= 19 ? { extraRules: dilatedDimsHaveNoPads } : {}),
    numeric: facts(),
  });
}

export const AVERAGE_POOL_SPECS: readonly OpSpec[] = versionChain([7, 10, 11, 19], averagePoolVersion);

// |x|^p is summed in the input's type: a float32 SUT overflows to Inf from |x| ~ 7e12 at p = 3 (and
// 1.8e19 at p = 2) although the norm itself would fit, as ReduceL2's squares do. 1e11 leaves room
// for a 7x7x7 window of cubes.
const LP_POOL_DOMAIN = [{ input: 0, min: -1e11, max: 1e11 }];

/** LpPool-2 (an int p), 11 (auto_pad wording) and 18 (dilations and ceil_mode). */
function lpPoolVersion(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  return windowedPool({
    name: 'LpPool',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    hasDilations: sinceVersion >= 18,
    hasCeilMode: sinceVersion >= 18,
    extraAttrs: { p: { kind: 'choice', choices: [1, 2, 3], default: 2 } },
    domain: LP_POOL_DOMAIN,
    numeric: facts(),
  });
}

export const LP_POOL_SPECS: readonly OpSpec[] = versionChain([2, 11, 18], lpPoolVersion);

/** Global pools reduce every spatial dim to 1. */
function globalPool(name: string, numeric: NumericFacts): OpSpec {
  return {
    name,
    sinceVersion: 1,
    dtypes: FLOATS,
    inputs: [{ name: 'X', rank: [3, 5] }],
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      return [{ dtype: ctx.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => c(1))] }];
    },
    numeric,
  };
}

export const globalAveragePool = globalPool('GlobalAveragePool', facts());
export const globalMaxPool = globalPool('GlobalMaxPool', facts({ exactness: { kind: 'copies' } }));
