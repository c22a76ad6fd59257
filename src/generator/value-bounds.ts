import type { DomainRule } from '../opspec/spec.js';
import { erf } from '../reference-runtime/cpu/kernels/erf.js';

/**
 * The values a tensor's elements can take, as an interval: integral when they are integers (Round,
 * Sign...), nonzero when zero is out of reach in practice (Sign's zero needs an exact 0 input).
 */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly integral?: boolean;
  readonly nonzero?: boolean;
  /** Some elements are exactly zero whatever the inputs (Trilu's masked half). */
  readonly zeros?: boolean;
}

/** The magnitude the input search keeps inputs and data weights within. */
export const SEARCH_LIMIT = 16;

const ANY: Interval = { lo: -Infinity, hi: Infinity };
/** What an input or data weight can hold: anything the search may choose. */
export const LEAF_RANGE: Interval = { lo: -SEARCH_LIMIT, hi: SEARCH_LIMIT };

function interval(lo: number, hi: number, extra: { integral?: boolean; nonzero?: boolean; zeros?: boolean } = {}): Interval {
  return { lo, hi, ...extra };
}

/** The intersection, or undefined when no value (no integer, for integral ones) lies in both. */
export function intersect(a: Interval, b: Interval): Interval | undefined {
  const zeros = a.zeros === true || b.zeros === true;
  if (zeros && !(Math.max(a.lo, b.lo) <= 0 && Math.min(a.hi, b.hi) >= 0)) return undefined;
  const integral = a.integral === true || b.integral === true;
  const nonzero = a.nonzero === true || b.nonzero === true;
  let lo = Math.max(a.lo, b.lo);
  let hi = Math.min(a.hi, b.hi);
  if (integral) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
    if (nonzero && lo === 0) lo = 1;
    if (nonzero && hi === 0) hi = -1;
  }
  if (lo > hi || (!integral && lo === hi)) return undefined;
  if (integral && nonzero && lo === 0 && hi === 0) return undefined;
  return { lo, hi, ...(integral ? { integral } : {}), ...(nonzero ? { nonzero } : {}), ...(zeros ? { zeros } : {}) };
}

function hull(xs: readonly Interval[]): Interval {
  return interval(Math.min(...xs.map((x) => x.lo)), Math.max(...xs.map((x) => x.hi)), {
    integral: xs.every((x) => x.integral === true),
    zeros: xs.some((x) => x.zeros === true),
  });
}

/** The domain rule's min/max as an interval; minAbs is checked apart (it is not convex). */
export function ruleInterval(rule: DomainRule): Interval {
  return interval(rule.min ?? -Infinity, rule.max ?? Infinity);
}

function sum(a: Interval, b: Interval): Interval {
  return interval(a.lo + b.lo, a.hi + b.hi, { integral: a.integral === true && b.integral === true });
}

function product(a: Interval, b: Interval): Interval {
  const corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  if (corners.some(Number.isNaN)) return ANY; // 0 * inf
  return interval(Math.min(...corners), Math.max(...corners), { integral: a.integral === true && b.integral === true });
}

/** An increasing function of the input: the ends map to the ends (clamped into the function's own domain). */
function monotone(f: (x: number) => number, domain: readonly [number, number] = [-Infinity, Infinity]): (xs: readonly Interval[]) => Interval {
  const clamp = (x: number) => Math.min(domain[1], Math.max(domain[0], x));
  return ([x]) => interval(f(clamp(x!.lo)), f(clamp(x!.hi)));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const first = ([x]: readonly Interval[]): Interval => x!;

/**
 * Forward: what an op's first output can hold given what its inputs can. Only ops that bound their
 * output or pass values on are listed; any other op may output anything.
 */
const FORWARD: Readonly<Record<string, (inputs: readonly Interval[]) => Interval>> = {
  Sigmoid: monotone(sigmoid),
  Tanh: monotone(Math.tanh),
  Erf: monotone(erf),
  Softsign: monotone((x) => x / (1 + Math.abs(x))),
  Asinh: monotone(Math.asinh),
  Sinh: monotone(Math.sinh),
  Log: monotone(Math.log, [1e-3, Infinity]),
  Atanh: monotone(Math.atanh, [-0.999, 0.999]),
  Trilu: ([x]) => interval(Math.min(0, x!.lo), Math.max(0, x!.hi), { integral: x!.integral === true, zeros: true }),
  HardSigmoid: () => interval(0, 1),
  Sign: () => interval(-1, 1, { integral: true, nonzero: true }),
  Softmax: () => interval(0, 1),
  LogSoftmax: () => interval(-Infinity, 0),
  Sin: () => interval(-1, 1),
  Cos: () => interval(-1, 1),
  Atan: monotone(Math.atan),
  Asin: monotone(Math.asin, [-1, 1]),
  Acos: ([x]) => interval(Math.acos(Math.min(1, x!.hi)), Math.acos(Math.max(-1, x!.lo))),
  Abs: ([x]) => interval(x!.lo <= 0 && x!.hi >= 0 ? 0 : Math.min(Math.abs(x!.lo), Math.abs(x!.hi)), Math.max(Math.abs(x!.lo), Math.abs(x!.hi)), { integral: x!.integral === true }),
  Relu: ([x]) => interval(Math.max(0, x!.lo), Math.max(0, x!.hi), { integral: x!.integral === true }),
  Exp: monotone(Math.exp),
  Sqrt: ([x]) => interval(Math.sqrt(Math.max(0, x!.lo)), Math.sqrt(Math.max(0, x!.hi))),
  Cosh: ([x]) => interval(x!.lo <= 0 && x!.hi >= 0 ? 1 : Math.min(Math.cosh(x!.lo), Math.cosh(x!.hi)), Math.max(Math.cosh(x!.lo), Math.cosh(x!.hi))),
  Acosh: monotone(Math.acosh, [1, Infinity]),
  Softplus: monotone(softplus),
  ReduceL1: () => interval(0, Infinity),
  ReduceL2: () => interval(0, Infinity),
  ReduceSumSquare: () => interval(0, Infinity),
  Neg: ([x]) => interval(-x!.hi, -x!.lo, { integral: x!.integral === true, nonzero: x!.nonzero === true }),
  Floor: ([x]) => interval(Math.floor(x!.lo), Math.floor(x!.hi), { integral: true }),
  Ceil: ([x]) => interval(Math.ceil(x!.lo), Math.ceil(x!.hi), { integral: true }),
  Round: ([x]) => interval(Math.round(x!.lo), Math.round(x!.hi), { integral: true }),
  Add: ([a, b]) => sum(a!, b!),
  Sub: ([a, b]) => sum(a!, interval(-b!.hi, -b!.lo, { integral: b!.integral === true })),
  Mul: ([a, b]) => product(a!, b!),
  Max: (xs) => interval(Math.max(...xs.map((x) => x.lo)), Math.max(...xs.map((x) => x.hi))),
  Min: (xs) => interval(Math.min(...xs.map((x) => x.lo)), Math.min(...xs.map((x) => x.hi))),
  ReduceMax: first,
  ReduceMin: first,
  ReduceMean: ([x]) => interval(x!.lo, x!.hi),
  Concat: hull,
  Where: ([, x, y]) => hull([x!, y!]),
};

/**
 * Activations that keep x for x > 0, up to a factor >= 1 (Selu's gamma is drawn in [1, 1.5]), and
 * map negatives to negatives: an upper bound on the output bounds the input, and so does a
 * positive lower bound (x >= l for a scale of 1; x > 0 at least).
 */
const POSITIVE_IDENTITY: Readonly<Record<string, number>> = { Elu: 1, Celu: 1, LeakyRelu: 1, Selu: 1.5 };

/** Elementwise ops with f(0) = 0: an exact zero in the input stays an exact zero. */
const KEEPS_ZERO = new Set([
  'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'HardSwish', 'Neg', 'Abs', 'Sin', 'Tan', 'Asin', 'Atan', 'Sinh', 'Asinh',
  'Atanh', 'Tanh', 'Erf', 'Softsign', 'Floor', 'Ceil', 'Round', 'Sqrt', 'Sign', 'Mul',
]);

function forwardRange(op: string, inputs: readonly Interval[]): Interval {
  const transfer = FORWARD[op];
  let range = transfer ? transfer(inputs) : COPIES[op] && inputs[0] ? inputs[0] : ANY;
  const scale = POSITIVE_IDENTITY[op];
  const x = inputs[0];
  if (!transfer && scale !== undefined && x) {
    range = interval(x.lo >= 0 ? x.lo : -Infinity, x.hi <= 0 ? 0 : x.hi * scale);
  }
  if (KEEPS_ZERO.has(op) && inputs.some((i) => i.zeros === true) && range.lo <= 0 && range.hi >= 0) range = { ...range, zeros: true };
  return range;
}

/** Ops whose outputs hold copies of (some of) their data inputs' elements, unchanged. */
const COPIES: Readonly<Record<string, 'first' | 'all'>> = {
  Identity: 'first',
  Reshape: 'first',
  Flatten: 'first',
  Squeeze: 'first',
  Unsqueeze: 'first',
  Transpose: 'first',
  Expand: 'first',
  Tile: 'first',
  Slice: 'first',
  Gather: 'first',
  GatherElements: 'first',
  Split: 'first',
  DepthToSpace: 'first',
  SpaceToDepth: 'first',
  Concat: 'all',
};

/** Increasing ops with their inverse and the open range the op maps onto. */
const INVERSES: Readonly<Record<string, readonly [(y: number) => number, number, number]>> = {
  Exp: [Math.log, 0, Infinity],
  Log: [Math.exp, -Infinity, Infinity],
  Sqrt: [(y) => y * y, 0, Infinity],
  Tanh: [Math.atanh, -1, 1],
  Sigmoid: [(y) => Math.log(y / (1 - y)), 0, 1],
  Atan: [Math.tan, -Math.PI / 2, Math.PI / 2],
  Asinh: [Math.sinh, -Infinity, Infinity],
  Sinh: [Math.asinh, -Infinity, Infinity],
  Softplus: [(y) => Math.log(Math.expm1(y)), 0, Infinity],
  Atanh: [Math.tanh, -Infinity, Infinity],
  Acosh: [Math.cosh, 0, Infinity],
};

/**
 * Backward: what each input must hold for the output to stay within `out` (necessary, not
 * sufficient: an input is only constrained where every choice of the others leaves no way out).
 */
function backwardOf(op: string, inputCount: number, out: Interval): (Interval | undefined)[] {
  const copies = COPIES[op];
  if (copies) return Array.from({ length: inputCount }, (_, i) => (copies === 'all' || i === 0 ? out : undefined));
  const widen = (by: number) => interval(out.lo - by, out.hi + by);
  const inverse = INVERSES[op];
  if (inverse) {
    const [f, lo, hi] = inverse;
    // Outside the function's range an end maps to the end of the input line.
    const at = (y: number, end: number) => {
      const x = y <= lo ? -Infinity : y >= hi ? Infinity : f(y);
      return Number.isNaN(x) ? end : x;
    };
    return [interval(at(out.lo, -Infinity), at(out.hi, Infinity))];
  }
  const scale = POSITIVE_IDENTITY[op];
  if (scale !== undefined) {
    const lo = out.lo > 0 ? out.lo / scale : -Infinity;
    return [interval(lo, out.hi >= 0 ? out.hi : 0)];
  }
  switch (op) {
    case 'Neg':
      return [interval(-out.hi, -out.lo)];
    case 'Abs':
      return [interval(-out.hi, out.hi)];
    case 'Relu':
      return [interval(out.lo > 0 ? out.lo : -Infinity, out.hi)];
    case 'Floor':
    case 'Ceil':
    case 'Round':
    case 'Cast':
      return [widen(1)];
    case 'Min':
    case 'ReduceMin':
      return Array.from({ length: inputCount }, () => interval(out.lo, Infinity));
    case 'Max':
    case 'ReduceMax':
      return Array.from({ length: inputCount }, () => interval(-Infinity, out.hi));
    case 'Sum':
    case 'Mean':
      return inputCount === 1 ? [out] : [];
    default:
      return [];
  }
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
  addLeaf(name: string, dtype: string): void {
    this.ranges.set(name, LEAF_RANGE);
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
    if (inputs.length === 2 && a === b) {
      // x - x is exactly 0 and x * x is never negative, whatever x holds.
      if (op === 'Sub') return interval(0, 0);
      if (op === 'Mul') {
        const r = this.range(a!);
        return interval(0, Math.max(r.lo * r.lo, r.hi * r.hi));
      }
    }
    return forwardRange(op, inputs.filter((n) => n !== '').map((n) => this.range(n)));
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
    const produced = forwardRange(op, ranges);
    const minAbs = this.minAbs.get(target);
    if (minAbs !== undefined && ((produced.hi < minAbs && produced.lo > -minAbs) || produced.zeros === true)) return false;
    const need = this.required.get(target);
    if (!need) return true;
    if (!intersect(need, produced)) return false;
    const back = backwardOf(op, inputs.length, need);
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
      this.ranges.set(o, i === 0 || COPIES[op] ? range : ANY);
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
    const back = backwardOf(producer.op, producer.inputs.length, need);
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
    const back = backwardOf(producer.op, producer.inputs.length, need);
    producer.inputs.forEach((input, i) => {
      const b = back[i];
      if (input !== '' && b) this.propagate(input, b, depth + 1);
    });
  }
}
