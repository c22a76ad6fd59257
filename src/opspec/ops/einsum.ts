import { EinsumSyntaxError, isEinsumSyntax, parseEinsum, planEinsum, type EinsumPlan } from '../einsum-equation.js';
import { eq, FALSE, rule, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import { facts } from '../numeric.js';
import { broadcastMany } from '../shapes.js';
import type { OpSpec, SpecContext, SymTensor } from '../spec.js';
import { einsumChoices } from './einsum-choices.js';
import { NUMERIC } from './dtypes.js';

function planOf(ctx: SpecContext): EinsumPlan | string {
  try {
    return planEinsum(parseEinsum(ctx.str('equation')), ctx.inputs.map((x) => x!.shape.length));
  } catch (e) {
    if (e instanceof EinsumSyntaxError) return e.message;
    throw e;
  }
}

const isBroadcastLabel = (label: string) => /^[0-9]+$/.test(label);

/** Each letter's dims must agree; the dims '...' covers broadcast (right-aligned). */
function labelRules(plan: EinsumPlan, inputs: readonly SymTensor[]): { rules: BoolExpr[]; sizes: Map<string, IntExpr> } {
  const rules: BoolExpr[] = [];
  const sizes = new Map<string, IntExpr>();
  plan.operands.forEach((labels, i) => {
    labels.forEach((label, d) => {
      if (isBroadcastLabel(label)) return;
      const dim = inputs[i]!.shape[d]!;
      const first = sizes.get(label);
      if (first === undefined) sizes.set(label, dim);
      else rules.push(rule(`the dims labelled '${label}' are equal`, eq(dim, first)));
    });
  });
  const covered = plan.operands.map((labels, i) => labels.flatMap((label, d) => (isBroadcastLabel(label) ? [inputs[i]!.shape[d]!] : [])));
  const broadcast = broadcastMany(covered);
  rules.push(...broadcast.requires);
  broadcast.shape.forEach((d, k) => sizes.set(String(broadcast.shape.length - 1 - k), d));
  return { rules, sizes };
}

/**
 * Einsum-12: a sum of products over the labelled dims of its operands, in numpy's notation
 * (explicit '->' output or implicit, '...' broadcasting, a repeated letter taking a diagonal).
 * The generator draws one or two operands and an equation valid for their ranks (see
 * einsum-choices.ts); imported models may hold any equation the kernels resolve.
 */
export const einsum: OpSpec = {
  name: 'Einsum',
  sinceVersion: 12,
  dtypes: NUMERIC,
  inputs: [{ name: 'Inputs', rank: [0, 6], variadic: [1, 2] }],
  attrs: (ranks) => ({
    equation: { kind: 'string', choices: einsumChoices(ranks), acceptWhen: { test: isEinsumSyntax, what: 'any einsum equation' } },
  }),
  requires: (ctx) => {
    const plan = planOf(ctx);
    if (typeof plan === 'string') return [rule(`the equation fits the operands (${plan})`, FALSE)];
    return [rule('the equation fits the operands', TRUE), ...labelRules(plan, ctx.inputs as SymTensor[]).rules];
  },
  outputs: (ctx) => {
    const plan = planOf(ctx) as EinsumPlan;
    const { sizes } = labelRules(plan, ctx.inputs as SymTensor[]);
    return [{ dtype: ctx.dtype, shape: plan.output.map((label) => sizes.get(label)!) }];
  },
  numeric: facts({ overflow: 'grows' }),
};
