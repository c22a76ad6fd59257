import type { Model, Node } from '../ir/model.js';
import { broadcastShape, broadcastStrides, forEachBroadcast } from '../reference-runtime/cpu/indexing.js';
import type { Tensor } from '../ir/tensor.js';
import { isFloatDType } from '../ir/dtype.js';
import { floatFormat } from '../ir/float-format.js';
import { elementwiseJump, nearestJump, type NumericFacts } from '../opspec/numeric.js';
import type { OpRegistry } from '../opspec/registry.js';
import { rulesInForce, type DomainRule } from '../opspec/spec.js';
import type { ReferenceResult } from '../reference-runtime/executor.js';
import type { UntrustedValue } from './clean.js';


/**
 * How far inside a domain bound the loss keeps pushing, relative to the bound's size (at least 0.01):
 * a wider band would make sums of many pushed elements (ReduceLogSum's) overshoot what follows.
 */
const DOMAIN_MARGIN = 0.05;

/** The hinge loss's gradient for one element and one domain rule: -1 pushes up, +1 down. */
function domainPush(rule: DomainRule, v: number): number {
  let push = 0;
  if (rule.min !== undefined && v < rule.min + DOMAIN_MARGIN * Math.max(0.01, Math.abs(rule.min))) push -= 1;
  if (rule.max !== undefined && v > rule.max - DOMAIN_MARGIN * Math.max(0.01, Math.abs(rule.max))) push += 1;
  if (rule.minAbs !== undefined && Math.abs(v) < rule.minAbs * (1 + DOMAIN_MARGIN * 20)) push -= v < 0 ? -1 : 1;
  return push;
}

/**
 * The gradient of the search's loss with respect to values of the run (the seeds of backward): a
 * hinge loss for the untrusted node. Undefined when the loss gives no direction (the search
 * then jitters or restarts instead).
 *
 * - domain rules, of the untrusted node and of every node before it: each input element that is not
 *   inside by a margin is pushed toward the inside (Log wants x > 0, Acos |x| <= 1, Div |divisor|
 *   >= 1e-3...);
 * - nan-or-inf: where the float64 reference is still finite (beyond float32's range only), the
 *   output's magnitude is pushed down through the op itself; where float64 overflowed too, the
 *   node's float inputs larger than 1 are pulled toward smaller magnitudes;
 * - subnormal: the tiny output elements are pushed away from zero;
 * - near-discontinuity: a step op's input away from its jump, a comparison's operands apart;
 * - integer-overflow: the node's inputs larger than 1 are pulled toward smaller magnitudes (a sum,
 *   product or power of smaller integers stays in range; so does a cast of a smaller float).
 */
export function lossSeeds(model: Model, run: ReferenceResult, untrusted: UntrustedValue, registry: OpRegistry): Map<string, Float64Array> | undefined {
  const node = model.nodes.find((n) => n.name === untrusted.node)!;
  const seeds = new Map<string, Float64Array>();
  const seedOf = (name: string, t: Tensor): Float64Array => {
    let g = seeds.get(name);
    if (!g) seeds.set(name, (g = new Float64Array(t.data.length)));
    return g;
  };
  let pushed = false;
  const index = model.nodes.indexOf(node);
  // Every node up to the untrusted one keeps its inputs inside its domain by a margin, so that a
  // step that fixes one node does not break an earlier one (two consumers of one input would
  // otherwise take turns undoing each other).
  for (const earlier of model.nodes.slice(0, index + 1)) {
    const inputs = earlier.inputs.map((n) => (n === '' ? undefined : run.values.get(n)));
    for (const rule of rulesInForce(registry.get(earlier.op, model.opset).domain, inputs)) {
      const name = earlier.inputs[rule.input];
      const x = name ? run.values.get(name) : undefined;
      if (!name || !x || x.dtype === 'bool' || !x.data.every(Number.isFinite)) continue;
      const g = seedOf(name, x);
      x.data.forEach((v, i) => {
        const push = domainPush(rule, v);
        if (push === 0) return;
        g[i]! += push;
        pushed = true;
      });
    }
  }
  switch (untrusted.reason) {
    case 'outside-domain':
      break;
    case 'nan-or-inf': {
      const y = run.values.get(untrusted.value)!;
      if (y.data.every(Number.isFinite)) {
        const g = seedOf(untrusted.value, y);
        // Where the dtype stops (float32's 3.4e38, float16's 65504): larger magnitudes are Inf in a SUT.
        const max = floatFormat(y.dtype)?.max ?? Infinity;
        y.data.forEach((v, i) => {
          if (Math.abs(v) > max / 16) {
            g[i] = Math.sign(v);
            pushed = true;
          }
        });
        break;
      }
      for (const name of node.inputs) {
        const x = name ? run.values.get(name) : undefined;
        if (!x || !isFloatDType(x.dtype) || !x.data.every(Number.isFinite)) continue;
        const g = seedOf(name, x);
        x.data.forEach((v, i) => {
          if (Math.abs(v) > 1) {
            g[i] = Math.sign(v);
            pushed = true;
          }
        });
      }
      break;
    }
    case 'subnormal': {
      const y = run.values.get(untrusted.value)!;
      const minNormal = floatFormat(y.dtype)?.minNormal ?? 0;
      const g = seedOf(untrusted.value, y);
      y.data.forEach((v, i) => {
        if (v !== 0 && Math.abs(v) < minNormal * 1e6) {
          g[i] = -Math.sign(v);
          pushed = true;
        }
      });
      break;
    }
    case 'near-discontinuity':
      if (awayFromDiscontinuity(node, registry.get(node.op, model.opset).numeric, run, seedOf)) pushed = true;
      break;
    case 'integer-overflow':
    case 'ill-conditioned':
      // Smaller inputs: an integer back in range, a normalization's inputs no longer huge against their deviation.
      if (towardSmallerMagnitudes(node, run, seedOf)) pushed = true;
      break;
  }
  return pushed ? seeds : undefined;
}

/** Within this relative distance of a jump, the search pushes an element away (wider than the check's margin). */
const JUMP_MARGIN = 1e-3;

function nearJump(x: number, jump: number): boolean {
  return Math.abs(x - jump) <= JUMP_MARGIN * Math.max(1, Math.abs(x));
}

/** Seeds pulling every numeric input element of the node beyond 1 in magnitude toward zero. */
function towardSmallerMagnitudes(node: Node, run: ReferenceResult, seedOf: (name: string, t: Tensor) => Float64Array): boolean {
  let pushed = false;
  for (const name of node.inputs) {
    const x = name ? run.values.get(name) : undefined;
    if (!x || x.dtype === 'bool') continue;
    const g = seedOf(name, x);
    x.data.forEach((v, i) => {
      if (!(Math.abs(v) > 1) || !Number.isFinite(v)) return;
      g[i]! += Math.sign(v);
      pushed = true;
    });
  }
  return pushed;
}

/**
 * Seeds that move inputs off the discontinuity the op's spec declares: an elementwise step's input
 * away from its jump, a comparison's two operands apart. False where no direction is known (ArgMax
 * ties, remainders): the search jitters instead.
 */
function awayFromDiscontinuity(node: Node, facts: NumericFacts, run: ReferenceResult, seedOf: (name: string, t: Tensor) => Float64Array): boolean {
  let pushed = false;
  const [first, second] = node.inputs;
  const a = first ? run.values.get(first) : undefined;
  if (!a) return false;
  const jump = elementwiseJump(facts.discontinuity, node.outputs[0]!.dtype);
  if (jump) {
    const g = seedOf(first!, a);
    a.data.forEach((x, i) => {
      const at = nearestJump(jump, x);
      if (!nearJump(x, at)) return;
      g[i]! -= x >= at ? 1 : -1;
      pushed = true;
    });
    return pushed;
  }
  const b = second ? run.values.get(second) : undefined;
  if (facts.discontinuity.kind !== 'comparison' || !b) return false;
  const shape = broadcastShape(a.shape, b.shape);
  const ga = seedOf(first!, a);
  const gb = seedOf(second!, b);
  forEachBroadcast(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)], (_i, [ia, ib]) => {
    const x = a.data[ia!]!;
    const y = b.data[ib!]!;
    if (!nearJump(x, y)) return;
    const apart = x >= y ? 1 : -1;
    ga[ia!]! -= apart;
    gb[ib!]! += apart;
    pushed = true;
  });
  return pushed;
}
