import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { DomainRule } from '../opspec/spec.js';
import type { ReferenceResult } from '../reference-runtime/executor.js';
import type { UntrustedValue } from './clean.js';

/** Where float32 stops: larger magnitudes become Inf in a float32 SUT. */
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MIN_NORMAL = 2 ** -126;
const FLOAT64_MIN_NORMAL = 2 ** -1022;

/** How far inside a domain bound the loss keeps pushing, relative to the bound's size. */
const DOMAIN_MARGIN = 0.05;

/** The hinge loss's gradient for one element and one domain rule: -1 pushes up, +1 down. */
function domainPush(rule: DomainRule, v: number): number {
  let push = 0;
  if (rule.min !== undefined && v < rule.min + DOMAIN_MARGIN * Math.max(1, Math.abs(rule.min))) push -= 1;
  if (rule.max !== undefined && v > rule.max - DOMAIN_MARGIN * Math.max(1, Math.abs(rule.max))) push += 1;
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
 * - subnormal: the tiny output elements are pushed away from zero.
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
    for (const rule of registry.get(earlier.op, model.opset).domain ?? []) {
      const name = earlier.inputs[rule.input];
      const x = name ? run.values.get(name) : undefined;
      if (!name || !x || x.dtype === 'bool') continue;
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
        y.data.forEach((v, i) => {
          if (Math.abs(v) > FLOAT32_MAX / 16) {
            g[i] = Math.sign(v);
            pushed = true;
          }
        });
        break;
      }
      for (const name of node.inputs) {
        const x = name ? run.values.get(name) : undefined;
        if (!x || (x.dtype !== 'float32' && x.dtype !== 'float64') || !x.data.every(Number.isFinite)) continue;
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
      const minNormal = y.dtype === 'float32' ? FLOAT32_MIN_NORMAL : FLOAT64_MIN_NORMAL;
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
      return undefined;
  }
  return pushed ? seeds : undefined;
}
