import { illConditioned } from './ill-conditioned.js';
import { errorBounds } from '../reference-runtime/bounds/error-bounds.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { floatFormat } from '../ir/float-format.js';
import { inferNode } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import { rulesInForce } from '../opspec/spec.js';
import { conditioningCheck, stabilityCheck } from '../reference-runtime/cpu/stability.js';
import type { NodeIntegerFault, ReferenceResult } from '../reference-runtime/executor.js';
import { roundingProbe } from './rounding-probe.js';

export interface UntrustedValue {
  /** The node whose input or output first holds a value no oracle can trust (in topological order). */
  readonly node: string;
  readonly op: string;
  readonly value: string;
  readonly reason: 'nan-or-inf' | 'subnormal' | 'outside-domain' | 'near-discontinuity' | 'integer-overflow' | 'ill-conditioned';
  readonly detail?: string;
}


/** What the trust checks read of a reference run: its values and the integer faults it met. */
export type CheckedRun = Pick<ReferenceResult, 'values' | 'integerFaults'>;

/** Where and how an integer result left its dtype, for people. */
function describeIntegerFault(f: NodeIntegerFault): string {
  return Number.isFinite(f.value)
    ? `${f.output}[${f.index}] is ${f.value} before wrapping, outside ${f.dtype}'s range`
    : `${f.output}[${f.index}] is ${f.value}, which no ${f.dtype} holds (a division by zero, or a cast of NaN or Inf)`;
}

/**
 * The first node (in topological order) whose inputs leave its op's domain rules or sit within a
 * rounding-size margin of one of its discontinuities, or whose output, rounded to its dtype, holds
 * NaN, Inf or a subnormal value, or an integer its dtype cannot hold. A float32 value beyond
 * float32's range counts (a float32 SUT sees Inf there even though the float64 reference does not),
 * and so does a subnormal one: SUTs may flush those to zero, after which a division legitimately
 * differs. A nonzero value too small for float32 altogether counts too (a ReduceProd of 168 values
 * below 1 is 1e-52 in the reference, which goes on comparing such values, and 0 in a float32 SUT). An integer overflow (or an integer NaN) is undefined behaviour in C++ runtimes.
 */
export function firstUntrustedValue(model: Model, run: CheckedRun, registry: OpRegistry): UntrustedValue | undefined {
  const { values } = run;
  const constants = new Map(model.weights.map((w) => [w.name, w.value]));
  const producers = new Set(model.nodes.flatMap((n) => n.outputs.map((o) => o.name)));
  const faults = new Map<string, NodeIntegerFault>();
  for (const f of run.integerFaults) if (!faults.has(f.node)) faults.set(f.node, f);
  for (const node of model.nodes) {
    const spec = registry.get(node.op, model.opset);
    for (const rule of rulesInForce(spec.domain, node.inputs.map((n) => (n === '' ? undefined : values.get(n))))) {
      const name = node.inputs[rule.input];
      const t = name ? values.get(name) : undefined;
      if (!t || t.dtype === 'bool') continue;
      for (const x of t.data) {
        if ((rule.min !== undefined && x < rule.min) || (rule.max !== undefined && x > rule.max) || (rule.minAbs !== undefined && Math.abs(x) < rule.minAbs)) {
          return { node: node.name, op: node.op, value: name!, reason: 'outside-domain' };
        }
      }
    }
    const stability = stabilityCheck(spec.numeric.discontinuity, node.outputs[0]!.dtype);
    if (stability) {
      const inputs = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
      const { attrs } = inferNode(spec, node, inputs, constants, model.opset);
      const detail = stability(inputs, attrs, node.outputs);
      if (detail) return { node: node.name, op: node.op, value: node.inputs[0]!, reason: 'near-discontinuity', detail };
    }
    // A normalization's conditioning is its error bound's matter (see illConditioned): the bound
    // knows when a correct float32 computation still gets the result (a plane of one element is its
    // bias whatever it holds) and when nothing can.
    if (spec.numeric.conditioning?.kind === 'remainder') {
      const inputs = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
      const { attrs } = inferNode(spec, node, inputs, constants, model.opset);
      const computed = node.inputs.map((n) => n !== '' && producers.has(n));
      const detail = conditioningCheck(spec.numeric.conditioning)(inputs, attrs, computed);
      if (detail) return { node: node.name, op: node.op, value: node.inputs[0]!, reason: 'ill-conditioned', detail };
    }
    for (const o of node.outputs) {
      const t = values.get(o.name);
      const format = t ? floatFormat(t.dtype) : undefined;
      if (!t || !format) continue;
      for (const x of t.data) {
        const r = format.round(x);
        if (!Number.isFinite(r)) return { node: node.name, op: node.op, value: o.name, reason: 'nan-or-inf' };
        if (x !== 0 && Math.abs(r) < format.minNormal) return { node: node.name, op: node.op, value: o.name, reason: 'subnormal' };
      }
    }
    const fault = faults.get(node.name);
    if (fault) return { node: node.name, op: node.op, value: fault.output, reason: 'integer-overflow', detail: describeIntegerFault(fault) };
  }
  return undefined;
}

/** One line for people: where the reference run stops being trustworthy and why. */
export function describeUntrusted(u: UntrustedValue): string {
  const what = {
    'nan-or-inf': 'computes NaN or Inf',
    subnormal: 'computes a subnormal value (or one that underflows to zero)',
    'outside-domain': "gets an input outside the op's domain",
    'near-discontinuity': 'gets an input next to a discontinuity',
    'integer-overflow': 'computes an integer its dtype cannot hold',
    'ill-conditioned': 'amplifies float32 rounding beyond what can be judged',
  }[u.reason];
  return `the reference ${what} at ${u.node} (${u.op})${u.detail ? `: ${u.detail}` : ''}`;
}

/**
 * Everything that makes a test's reference run untrustworthy: firstUntrustedValue's checks on the
 * run's values, then the rounding probe (a discrete result a float32 rounding difference would
 * flip), then the error bounds (an output they leave nothing of to judge: ill-conditioned).
 */
export function untrustedRun(model: Model, inputs: ReadonlyMap<string, Tensor>, run: ReferenceResult, registry: OpRegistry): UntrustedValue | undefined {
  const found = firstUntrustedValue(model, run, registry);
  if (found) return found;
  // The probe and the conditioning check read the same bounds: computed once.
  const bounds = errorBounds(model, run);
  return roundingProbe(model, inputs, run, registry, bounds) ?? illConditioned(model, run, bounds);
}
