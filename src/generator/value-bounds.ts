import { INTEGER_RANGES, isIntDType, isUnsignedDType, type DType } from '../ir/dtype.js';
import { DEFAULT_OPSET } from '../ir/model.js';
import { ANY, interval, intersect, ruleInterval, type Interval } from '../opspec/interval.js';
import type { NumericFacts } from '../opspec/numeric.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { DomainRule } from '../opspec/spec.js';

export { intersect, ruleInterval, type Interval } from '../opspec/interval.js';

/** The magnitude the input search keeps inputs and data weights within. */
export const SEARCH_LIMIT = 16;

/** What an input or data weight can hold: anything the search may choose. */
export const LEAF_RANGE: Interval = { lo: -SEARCH_LIMIT, hi: SEARCH_LIMIT };
const INTEGER_LEAF_RANGE: Interval = interval(-SEARCH_LIMIT, SEARCH_LIMIT, { integral: true });
const UNSIGNED_LEAF_RANGE: Interval = interval(0, SEARCH_LIMIT, { integral: true });

/** The interval the input search keeps a leaf of this dtype within (unsigned integers: never negative). */
export function searchInterval(dtype: DType): Interval {
  if (isUnsignedDType(dtype)) return UNSIGNED_LEAF_RANGE;
  return isIntDType(dtype) ? INTEGER_LEAF_RANGE : LEAF_RANGE;
}

/** What an op's first output can hold given what its inputs can, from the op's range facts. */
function forwardRange(f: NumericFacts | undefined, inputs: readonly Interval[]): Interval {
  let range = f?.range.forward?.(inputs) ?? ANY;
  if (f?.range.keepsZero === true && inputs.some((i) => i.zeros === true) && range.lo <= 0 && range.hi >= 0) range = { ...range, zeros: true };
  return range;
}

/** What each input must hold for the output to stay within `out` (see RangeFacts.backward). */
function backwardOf(f: NumericFacts | undefined, inputCount: number, out: Interval): readonly (Interval | undefined)[] {
  return f?.range.backward?.(out, inputCount) ?? [];
}

interface Produced {
  readonly op: string;
  readonly inputs: readonly string[];
}

/**
 * Tracks, while a model is generated, the interval each value can hold and the intervals its
 * consumers' domain rules require of it, so that the generator does not feed a domain-limited op a
 * value that can never satisfy it: Acosh (x >= 1.001) of an Erf (always below 1), or an Acos
 * (|x| <= 0.999) of a copy of an input that an Acosh already needs above 1. No input search can
 * fix such a model; every test made from it would be discarded.
 */
export class ValueBounds {
  /**
   * The ops' numeric facts come from the registry at the model's opset (an op the opset lacks, as in
   * a unit test, from its newest spec).
   */
  constructor(
    private readonly registry: OpRegistry = builtinRegistry(),
    private readonly opset: number = DEFAULT_OPSET,
  ) {}

  private readonly ranges = new Map<string, Interval>();
  private readonly required = new Map<string, Interval>();
  private readonly producers = new Map<string, Produced>();
  /** Values some consumer's domain rule applies to, and the largest minAbs among those rules. */
  private readonly constrained = new Set<string>();
  private readonly minAbs = new Map<string, number>();
  /** Values whose elements were fixed by the generator (shapes, indices): the search cannot move them. */
  private readonly fixed = new Set<string>();

  /** Bool values: the search redraws them but never fixes or descends on them. */
  private readonly bools = new Set<string>();

  /** A graph input or data weight: the search chooses its values. */
  addLeaf(name: string, dtype: DType): void {
    this.ranges.set(name, searchInterval(dtype));
    if (dtype === 'bool') this.bools.add(name);
  }

  /** A weight whose values the generator fixed (a shape, axes, indices). */
  addFixed(name: string): void {
    this.ranges.set(name, ANY);
    this.fixed.add(name);
  }

  /** The interval of an op's first output given its inputs' ('' for an omitted one). */
  outputRange(op: string, inputs: readonly string[]): Interval {
    const [a, b] = inputs;
    const same = this.facts(op)?.range.sameOperands;
    // x - x is exactly 0 and x * x is never negative, whatever x holds.
    if (same && inputs.length === 2 && a === b) return same(this.range(a!));
    return forwardRange(this.facts(op), inputs.filter((n) => n !== '').map((n) => this.range(n)));
  }

  /**
   * Whether a node of `op` with an output of `dtype` computes an integer its dtype cannot hold
   * whatever its inputs are (they are given as in canProduce): such a node only makes untrusted
   * tests. One that merely may overflow is fine: the input search keeps it in range.
   */
  mustOverflow(op: string, inputs: readonly (string | Interval | undefined)[], dtype: DType): boolean {
    const limits = INTEGER_RANGES[dtype];
    if (!limits || this.facts(op)?.overflow === 'never') return false;
    const [a, b] = inputs;
    // x * x and x - x are known better than as a product or a difference of two values (see outputRange).
    const range =
      inputs.length === 2 && typeof a === 'string' && a === b
        ? this.outputRange(op, [a, a])
        : forwardRange(this.facts(op), inputs.flatMap((x) => (x === '' ? [] : [typeof x === 'string' ? this.range(x) : (x ?? ANY)])));
    return range.lo > limits[1] || range.hi < limits[0];
  }

  /** The numeric facts of an op at the model's opset. */
  private facts(op: string): NumericFacts | undefined {
    return (this.registry.find(op, this.opset) ?? this.registry.versions(op).at(-1))?.numeric;
  }

  /**
   * Whether a node of `op` may produce `target` (backward insertion): its output interval must meet
   * what the target's consumers require, and that requirement must hold back through the node's
   * existing inputs. `inputs` gives an existing value's name, or LEAF_RANGE / undefined (a fixed
   * constant) for a new one.
   */
  canProduce(op: string, inputs: readonly (string | Interval | undefined)[], target: string): boolean {
    // Made of fixed values only (constants, or values computed from them), the input would stop
    // being one the search can move, for every consumer downstream.
    const data = inputs.filter((x) => !(typeof x === 'string' && this.bools.has(x)));
    if (data.length > 0 && data.every((x) => x === undefined || (typeof x === 'string' && this.fixed.has(x)))) return false;
    if (!this.constrained.has(target)) return true;
    const ranges = inputs.map((x) => (typeof x === 'string' ? this.range(x) : (x ?? ANY)));
    const produced = forwardRange(this.facts(op), ranges);
    const minAbs = this.minAbs.get(target);
    if (minAbs !== undefined && ((produced.hi < minAbs && produced.lo > -minAbs) || produced.zeros === true)) return false;
    const need = this.required.get(target);
    if (!need) return true;
    if (!intersect(need, produced)) return false;
    const back = backwardOf(this.facts(op), inputs.length, need);
    return inputs.every((x, i) => {
      const b = back[i];
      if (!b) return true;
      if (typeof x === 'string') return this.feasible(x, b, 1);
      return x !== undefined && intersect(b, x) !== undefined;
    });
  }

  /** Records a node; its outputs get their intervals, and a requirement already on an output (backward insertion) flows to its inputs. */
  addNode(op: string, inputs: readonly string[], outputs: readonly string[]): void {
    const range = this.outputRange(op, inputs);
    // Computed from fixed values only, an output is fixed too: no search can move it.
    const data = inputs.filter((n) => n !== '' && !this.bools.has(n));
    const fixed = data.length > 0 && data.every((n) => this.fixed.has(n));
    outputs.forEach((o, i) => {
      if (fixed) this.fixed.add(o);
      this.ranges.set(o, i === 0 || this.facts(op)?.range.copies ? range : ANY);
      this.producers.set(o, { op, inputs });
      const need = this.required.get(o);
      if (need) this.propagate(o, need);
    });
  }

  range(name: string): Interval {
    return this.ranges.get(name) ?? ANY;
  }

  /** Whether a consumer may require `rule` of `name` without contradicting what it can hold or what others require. */
  canRequire(name: string, rule: DomainRule): boolean {
    if (this.fixed.has(name)) return false;
    if (rule.minAbs !== undefined) {
      const r = this.range(name);
      if ((r.hi < rule.minAbs && r.lo > -rule.minAbs) || r.zeros === true) return false;
    }
    return this.feasible(name, ruleInterval(rule), 0);
  }

  /** Whether `name` can hold values in `want` together with its other requirements, back through its producers. */
  private feasible(name: string, want: Interval, depth: number): boolean {
    const need = intersect(want, this.required.get(name) ?? ANY);
    if (!need || !intersect(need, this.range(name))) return false;
    const producer = this.producers.get(name);
    if (!producer || depth > 16) return true;
    const back = backwardOf(this.facts(producer.op), producer.inputs.length, need);
    return producer.inputs.every((input, i) => {
      const b = back[i];
      return input === '' || !b || this.feasible(input, b, depth + 1);
    });
  }

  /** Records that a consumer requires `rule` of `name` (after canRequire said yes). */
  require(name: string, rule: DomainRule): void {
    this.constrained.add(name);
    if (rule.minAbs !== undefined) this.minAbs.set(name, Math.max(rule.minAbs, this.minAbs.get(name) ?? 0));
    this.propagate(name, ruleInterval(rule));
  }

  private propagate(name: string, want: Interval, depth = 0): void {
    const need = intersect(want, this.required.get(name) ?? ANY) ?? want;
    this.required.set(name, need);
    const producer = this.producers.get(name);
    if (!producer || depth > 16) return;
    const back = backwardOf(this.facts(producer.op), producer.inputs.length, need);
    producer.inputs.forEach((input, i) => {
      const b = back[i];
      if (input !== '' && b) this.propagate(input, b, depth + 1);
    });
  }
}
