import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { KernelRegistry } from '../cpu/kernel.js';
import { cpuKernels } from '../cpu/kernels/index.js';
import type { ReferenceResult } from '../executor.js';
import { OpTable } from '../op-table.js';
import { isFloatDType } from '../../ir/dtype.js';
import type { BoundArgs, BoundRule, OpAllowance } from './bound-rule.js';
import { ELEMENTWISE_RULES } from './rules/elementwise.js';
import { INDEXING_RULES } from './rules/indexing.js';
import { MOVEMENT_RULES } from './rules/movement.js';
import { NORMALIZATION_RULES } from './rules/normalization.js';
import { RECURRENT_RULES } from './rules/recurrent.js';
import { LOSS_RULES } from './rules/loss.js';
import { GRID_SAMPLE_RULES } from './rules/grid-sample.js';
import { resizeRule } from './rules/resize.js';
import { SUM_RULES } from './rules/sums.js';
import { QUANTIZE_RULES } from './rules/quantize.js';
import { GENERATOR_RULES } from './rules/generators.js';
import { LOCAL_NORM_RULES } from './rules/local-norm.js';

/** An explicit registry of error-bound rules, one per op; a second one for an op throws. */
export class BoundRuleRegistry extends OpTable<BoundRule> {
  constructor(groups: readonly Readonly<Record<string, BoundRule>>[] = []) {
    super('an error-bound rule', groups);
  }
}

/** Every op's rule. */
export function boundRules(): BoundRuleRegistry {
  return new BoundRuleRegistry([
    ELEMENTWISE_RULES, MOVEMENT_RULES, INDEXING_RULES, SUM_RULES, NORMALIZATION_RULES, { Resize: resizeRule }, RECURRENT_RULES, LOSS_RULES, GRID_SAMPLE_RULES,
    GENERATOR_RULES, LOCAL_NORM_RULES, QUANTIZE_RULES,
  ]);
}

let defaults: { rules: BoundRuleRegistry; kernels: KernelRegistry } | undefined;

/** Per op, how much more error than a correctly rounded float32 implementation a SUT declares its own (WGSL's), in ulps or absolute. */
export type OpAllowances = Readonly<Record<string, OpAllowance>>;

const FLOAT32_ULP = 2 ** -23;

/**
 * Per float value of a reference run, the bound on each element's error that a correct float32
 * implementation of the model may have there: each op's own rounding (a few units for arithmetic,
 * growing with the length of sums, dot products and normalizations; a library function's ulps) plus
 * the error its inputs carry times the op's sensitivity to them. Graph inputs and weights are exact
 * (a SUT gets those very values), and so are integer and bool values. A value absent from the map
 * is exact; Infinity marks an element no float32 computation can pin down (an ill-conditioned one).
 * `allowances` add a SUT's declared extra error per op.
 */
export function errorBounds(model: Model, run: ReferenceResult, options: { rules?: BoundRuleRegistry; kernels?: KernelRegistry; allowances?: OpAllowances } = {}): Map<string, Float64Array> {
  defaults ??= { rules: boundRules(), kernels: cpuKernels() };
  const rules = options.rules ?? defaults.rules;
  const kernels = options.kernels ?? defaults.kernels;
  const bounds = new Map<string, Float64Array>();
  model.nodes.forEach((node, n) => {
    const step = run.steps[n]!;
    const rule = rules.find(node.op);
    if (!rule) throw new Error(`no error-bound rule for '${node.op}' (src/reference-runtime/bounds/rules)`);
    const inputs = node.inputs.map((name) => (name === '' ? undefined : run.values.get(name)));
    const outputs = node.outputs.map((o) => run.values.get(o.name)!);
    const args: BoundArgs = {
      node,
      attrs: step.attrs,
      inputs,
      inputBounds: node.inputs.map((name) => bounds.get(name)),
      outputs,
      outputTypes: step.outputs,
      rerun: (given, o = {}) => {
        const op = o.op ?? node.op;
        const kernel = kernels.find(op);
        if (!kernel) throw new Error(`the reference runtime has no CPU kernel for '${op}'`);
        return kernel({ inputs: given, attrs: o.attrs ?? step.attrs, outputs: o.outputTypes ?? step.outputs });
      },
    };
    const found = rule(args);
    const allowance = options.allowances?.[node.op];
    outputs.forEach((y, i) => {
      if (!isFloatDType(y.dtype)) return;
      const bound = withAllowance(found[i], y, allowance);
      if (bound) bounds.set(node.outputs[i]!.name, bound);
    });
  });
  return bounds;
}

/** A rule's bound with the SUT's declared extra error for the op added, and NaN made Infinity. */
function withAllowance(bound: Float64Array | undefined, y: Tensor, allowance: OpAllowance | undefined): Float64Array | undefined {
  if (!allowance && !bound) return undefined;
  const out = bound ? Float64Array.from(bound) : new Float64Array(y.data.length);
  for (let i = 0; i < out.length; i++) {
    if (allowance) out[i] = out[i]! + Math.max((allowance.ulp ?? 0) * FLOAT32_ULP * Math.abs(y.data[i]!), allowance.absolute ?? 0);
    if (Number.isNaN(out[i]!)) out[i] = Infinity;
  }
  return out;
}
