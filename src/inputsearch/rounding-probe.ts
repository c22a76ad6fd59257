import { coneOf, type Model, type Node } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { isFloatDType, isIntDType } from '../ir/dtype.js';
import { isExact, isStep, type NumericFacts } from '../opspec/numeric.js';
import { inferNode } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import { normalizationRounding } from '../reference-runtime/cpu/stability.js';
import { broadcastShape, broadcastStrides, forEachBroadcast } from '../reference-runtime/cpu/indexing.js';
import { runReference, type ReferenceResult } from '../reference-runtime/executor.js';
import { errorBounds } from '../reference-runtime/bounds/error-bounds.js';
import { allowedByBound } from '../oracles/compare.js';
import { toleranceDtypes } from '../oracles/precision.js';
import { allowedDifference, TOLERANCES, toleranceScale } from '../oracles/tolerance.js';
import type { UntrustedValue } from './clean.js';

/** The integer quotients of a remainder node's operands (under broadcasting), truncated or floored. */
function quotients(run: ReferenceResult, node: Node, truncated: boolean): number[] {
  const a = run.values.get(node.inputs[0]!)!;
  const b = run.values.get(node.inputs[1]!)!;
  const shape = broadcastShape(a.shape, b.shape);
  const out: number[] = [];
  forEachBroadcast(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)], (_i, [ia, ib]) => {
    const q = a.data[ia!]! / b.data[ib!]!;
    out.push(truncated ? Math.trunc(q) : Math.floor(q));
  });
  return out;
}

/** The smallest relative nudge, about eight float32 ulps: what a float32 SUT's rounding may differ by per op (nodes get 1 to 7 times it). */
const NUDGE = 1e-6;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

function isFloat(t: Tensor): boolean {
  return isFloatDType(t.dtype);
}

/** A float16 value rounds 2^13 times coarser than a float32 one: its nudges are that much larger. */
function nudgeScale(t: Tensor): number {
  return t.dtype === 'float16' ? 2 ** 13 : 1;
}

/**
 * Whether a float32-size rounding difference would change a discrete result of the test, or move a
 * float output beyond the oracle's tolerance. The
 * stability checks skip values exactly on a discontinuity, because exact arithmetic (Relu's zeros,
 * Clip's bounds) puts them there. But two values equal in the float64 reference by different roads,
 * x and Atan(Tan(x)) or a normalization's output and its bias, are not equal in a float32 SUT, and a
 * comparison or ArgMax between them goes either way. So the model runs twice more with every inexact
 * op's output nudged up and down (alternating by element, opposite in the two runs, by a size of
 * its own per node); a
 * comparison, ArgMax, step op or other integer or bool value that changes marks the test untrusted.
 * Ties between elements one inexact op computed from equal inputs are distrusted too: a SUT's
 * vectorized body and scalar tail need not round them alike. Which ops are exact, which are steps
 * and which compute remainders, their specs' numeric facts say.
 * The same runs find ill-conditioned tests: a float output judged at float32 tolerance that the
 * nudges move beyond that tolerance (a difference of two large, nearly equal sums; a remainder of a
 * large sum) is one a float32 SUT may rightly get "wrong". A normalization's outputs are nudged by
 * its amplified input rounding as well (see normalizationRounding), so that a LayerNormalization of
 * an InstanceNormalization's nearly equal outputs is found out. The first node in its cone whose own output
 * moved beyond the tolerance is named, so that the input search shrinks that node's inputs.
 */
export function roundingProbe(
  model: Model,
  inputs: ReadonlyMap<string, Tensor>,
  base: ReferenceResult,
  registry: OpRegistry,
  bounds: ReadonlyMap<string, Float64Array> = errorBounds(model, base),
): UntrustedValue | undefined {
  const factsOf = (node: Node): NumericFacts => registry.get(node.op, model.opset).numeric;
  const watched = model.nodes.flatMap((node) =>
    node.outputs.filter((o) => o.dtype === 'bool' || isIntDType(o.dtype) || isStep(factsOf(node))).map((o) => ({ node, name: o.name })),
  );
  // A float remainder jumps where its quotient crosses an integer: its quotient is what must not change.
  const remainders = model.nodes.flatMap((node) => {
    const d = factsOf(node).discontinuity;
    return d.kind === 'quotient' && !isIntDType(node.outputs[0]!.dtype) ? [{ node, truncated: d.truncated(node.attrs) }] : [];
  });
  const judgedAtFloat32 = [...toleranceDtypes(model)].filter(([, d]) => d === 'float32').map(([name]) => name);
  if (watched.length === 0 && remainders.length === 0 && judgedAtFloat32.length === 0) return undefined;
  // Each node gets its own size of nudge, 1 to 2 times NUDGE: two tensors nudged alike would keep a
  // tie between them (x and Sin(Asin(x)) against LeakyRelu(x)), and so would two chains whose sizes
  // add up alike. Golden-ratio steps keep every size, and every small sum of sizes, apart.
  const sizes = new Map(model.nodes.map((node, i) => [node, NUDGE * (1 + ((i * GOLDEN) % 1))]));
  // A normalization's float32 error is its inputs' rounding amplified by 1 / deviation, not a
  // rounding of its output: its outputs are nudged by that much too.
  const absolute = normalizationNudges(model, base, registry, sizes, bounds);
  // So is a dot product's: its rounding grows with the terms it sums, not with its result, which
  // cancellation can make small (a Conv output near 0 whose Reciprocal a Sin then reads).
  const accumulation = accumulationNudges(model, base, sizes);
  for (const direction of [1, -1]) {
    const nudge = (node: Node, outputs: Tensor[]): Tensor[] => {
      if (isExact(factsOf(node))) return outputs;
      const size = sizes.get(node) ?? NUDGE;
      const perElement = absolute.get(node);
      const shift = accumulation.get(node) ?? 0;
      return outputs.map((t, k) =>
        isFloat(t)
          ? {
              ...t,
              data: t.data.map((x, i) => {
                const sign = i % 2 === 0 ? direction : -direction;
                // A normalization's bounds are those of its first output (Y).
                return x * (1 + sign * size * nudgeScale(t)) + sign * (shift + (k === 0 ? (perElement?.[i] ?? 0) : 0));
              }),
            }
          : t,
      );
    };
    const nudged = runReference(model, inputs, { registry, afterNode: nudge });
    for (const { node, truncated } of remainders) {
      const before = quotients(base, node, truncated);
      const after = quotients(nudged, node, truncated);
      const i = before.findIndex((q, k) => q !== after[k]);
      if (i >= 0) {
        return {
          node: node.name,
          op: node.op,
          value: node.outputs[0]!.name,
          reason: 'near-discontinuity',
          detail: `a float32-size rounding difference upstream moves the quotient of element ${i} from ${before[i]} to ${after[i]}`,
        };
      }
    }
    for (const { node, name } of watched) {
      const a = base.values.get(name)!.data;
      const b = nudged.values.get(name)!.data;
      for (let i = 0; i < a.length; i++) {
        if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
          return {
            node: node.name,
            op: node.op,
            value: name,
            reason: 'near-discontinuity',
            detail: `a float32-size rounding difference upstream changes ${name}[${i}] from ${a[i]} to ${b[i]}`,
          };
        }
      }
    }
    const amplified = amplification(model, base, nudged, judgedAtFloat32, bounds);
    if (amplified) return amplified;
  }
  return undefined;
}

/**
 * Per normalization node, the absolute nudge of each element of its first output, times the node's
 * nudge size in NUDGEs: the element's error bound (see errorBounds: zero for a plane of one element,
 * which is its bias whatever it holds), or where it is infinite the amplified input rounding.
 */
function normalizationNudges(model: Model, base: ReferenceResult, registry: OpRegistry, sizes: ReadonlyMap<Node, number>, bounds: ReadonlyMap<string, Float64Array>): Map<Node, Float64Array> {
  const constants = new Map(model.weights.map((w) => [w.name, w.value]));
  const nudges = new Map<Node, Float64Array>();
  for (const node of model.nodes) {
    const spec = registry.get(node.op, model.opset);
    const c = spec.numeric.conditioning;
    if (c?.kind !== 'normalization') continue;
    const bound = bounds.get(node.outputs[0]!.name);
    if (!bound) continue;
    const inputs = node.inputs.map((n) => (n === '' ? undefined : base.values.get(n)));
    const { attrs } = inferNode(spec, node, inputs, constants, model.opset);
    const fallback = normalizationRounding(c, inputs, attrs)?.amplified ?? 0;
    const factor = (sizes.get(node) ?? NUDGE) / NUDGE;
    nudges.set(node, Float64Array.from(bound, (b) => (Number.isFinite(b) ? b : fallback) * factor));
  }
  return nudges;
}

/** Inputs whose products a node sums, and how many terms each output element sums. */
function dotProductTerms(node: Node, base: ReferenceResult): { a: Tensor; b: Tensor; terms: number } | undefined {
  const a = base.values.get(node.inputs[0] ?? '');
  const b = base.values.get(node.inputs[1] ?? '');
  if (!a || !b || !isFloat(a) || !isFloat(b)) return undefined;
  switch (node.op) {
    case 'MatMul':
      return { a, b, terms: a.shape[a.shape.length - 1] ?? 1 };
    case 'Gemm':
      return { a, b, terms: node.attrs.transA === 1 ? a.shape[0]! : a.shape[1]! };
    case 'Conv':
      // Each output element sums W.shape[1] channels times the kernel's elements.
      return { a, b, terms: b.shape.slice(1).reduce((x, y) => x * y, 1) };
    default:
      return undefined;
  }
}

/**
 * Per dot-product node (MatMul, Gemm, Conv), the absolute nudge of its outputs: the roundings of a
 * float32 sum of n products add up like a random walk, to about sqrt(n) times a few ulps of the
 * largest product, whatever the sum comes to. The largest magnitudes of the two operands stand for
 * the largest product; the node's nudge size (a few ulps) scales it.
 */
function accumulationNudges(model: Model, base: ReferenceResult, sizes: ReadonlyMap<Node, number>): Map<Node, number> {
  const nudges = new Map<Node, number>();
  for (const node of model.nodes) {
    const dot = dotProductTerms(node, base);
    if (!dot) continue;
    const largest = (t: Tensor) => t.data.reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
    nudges.set(node, (sizes.get(node) ?? NUDGE) * Math.sqrt(dot.terms) * largest(dot.a) * largest(dot.b));
  }
  return nudges;
}

/**
 * How far `after` is from `before` in units of the float32 tolerance (scaled by the tensor's
 * magnitude, as the oracle does), at its worst finite element.
 */
function worstDeviation(before: Tensor, after: Tensor, bound: Float64Array | undefined): { ratio: number; index: number } {
  const scale = toleranceScale(before.data);
  let worst = { ratio: 0, index: -1 };
  for (let i = 0; i < before.data.length; i++) {
    const [b, a] = [before.data[i]!, after.data[i]!];
    if (!Number.isFinite(b) || !Number.isFinite(a)) continue;
    // Within what the error-bound oracle allows there, the move is judged, not distrusted.
    const allowed = Math.max(allowedDifference(TOLERANCES[before.dtype === 'float16' ? 'float16' : 'float32'], scale, b), bound ? allowedByBound(bound[i]!, before.dtype) : 0);
    const ratio = Math.abs(a - b) / allowed;
    if (ratio > worst.ratio) worst = { ratio, index: i };
  }
  return worst;
}

/** The first output the nudges move beyond float32 tolerance, blamed on the first node of its cone they move so. */
function amplification(model: Model, base: ReferenceResult, nudged: ReferenceResult, outputs: readonly string[], bounds: ReadonlyMap<string, Float64Array>): UntrustedValue | undefined {
  for (const name of outputs) {
    const moved = worstDeviation(base.values.get(name)!, nudged.values.get(name)!, bounds.get(name));
    if (moved.ratio <= 1) continue;
    const culprit =
      coneOf(model, [name]).nodes.find((node) =>
        node.outputs.some((o) => isFloatDType(o.dtype) && worstDeviation(base.values.get(o.name)!, nudged.values.get(o.name)!, bounds.get(o.name)).ratio > 1),
      ) ?? model.nodes.find((node) => node.outputs.some((o) => o.name === name))!;
    const [before, after] = [base.values.get(name)!.data[moved.index], nudged.values.get(name)!.data[moved.index]];
    return {
      node: culprit.name,
      op: culprit.op,
      value: culprit.outputs[0]!.name,
      reason: 'ill-conditioned',
      detail: `a float32-size rounding difference upstream moves ${name}[${moved.index}] from ${before} to ${after}, beyond float32 tolerance`,
    };
  }
  return undefined;
}
