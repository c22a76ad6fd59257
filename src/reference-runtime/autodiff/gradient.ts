import type { Tensor } from '../../ir/tensor.js';
import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import { OpTable } from '../op-table.js';

export interface GradArgs {
  /** The node's inputs as the forward run saw them; undefined for an omitted optional input. */
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs: ConcreteAttrs;
  /** The node's outputs as the forward run computed them. */
  readonly outputs: readonly Tensor[];
  readonly outputTypes: readonly ConcreteType[];
  /** The gradient of the loss with respect to each output (same length as its data); undefined where none reached it. */
  readonly dy: readonly (Float64Array | undefined)[];
}

/**
 * A vector-Jacobian product: the gradient with respect to each input position, given the gradients
 * with respect to the outputs. Undefined where no gradient flows (indices, shapes, bool inputs).
 */
export type GradRule = (args: GradArgs) => (Float64Array | undefined)[];

/**
 * Exact rules are the true derivative wherever it exists, and the finite-difference property test
 * holds them to it. Proxy rules stand in where the derivative is zero or undefined almost everywhere
 * (Floor, comparisons, Cast to int): they give the search a direction instead of a dead end.
 */
export interface OpGradient {
  readonly rule: GradRule;
  /**
   * What the input search uses instead, where the exact derivative is zero over a whole region
   * (Relu's negative side, Clip's clamped ends): a small slope there, so that a loss can still
   * move an input out of the dead region.
   */
  readonly leakyRule?: GradRule;
  /** Whether the rule is the true derivative for a node with these attributes and inputs. */
  readonly isExact: (attrs: ConcreteAttrs, inputs: readonly (Tensor | undefined)[]) => boolean;
}

export function exact(rule: GradRule): OpGradient {
  return { rule, isExact: () => true };
}

export function proxy(rule: GradRule): OpGradient {
  return { rule, isExact: () => false };
}

/** Exact, with a leaky variant for the search (see OpGradient.leakyRule). */
export function exactWithLeak(rule: GradRule, leakyRule: GradRule): OpGradient {
  return { rule, leakyRule, isExact: () => true };
}

/** The slope a leaky rule gives a dead region. */
export const LEAK = 0.1;

/** Exact for some nodes only (Cast is exact between floats, a proxy into integers). */
export function exactWhen(isExact: OpGradient['isExact'], rule: GradRule): OpGradient {
  return { rule, isExact };
}

/** The gradients of a node's first output (the usual case), or undefined when none reached it. */
export function firstDy(args: GradArgs): Float64Array | undefined {
  return args.dy[0];
}

/** An explicit registry of gradients, one per op, built from family groups; a second one for an op throws. */
export class GradientRegistry extends OpTable<OpGradient> {
  constructor(groups: readonly Readonly<Record<string, OpGradient>>[] = []) {
    super('a gradient', groups);
  }
}
