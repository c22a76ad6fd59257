import { isIntDType, type DType } from '../ir/dtype.js';
import type { AttrValue, Model, Node, ValueInfo, Weight } from '../ir/model.js';
import { makeTensor, sizeOf } from '../ir/tensor.js';
import { makeContext, type AttrBinding } from '../opspec/context.js';
import { c, eq, evalInt, ge, le, lift, product, v, varsOf, type BoolExpr, type IntExpr } from '../opspec/expr.js';
import { inferConcrete, rankRange, slotAt } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import { rulesInForce, type OpSpec, type SymTensor } from '../opspec/spec.js';
import { drawAttr } from './attributes.js';
import type { Rng } from './rng.js';
import type { SolverFallback } from './smt/z3-solver.js';
import { LEAF_RANGE, ValueBounds } from './value-bounds.js';
import { solveRandom } from './solve.js';
import { collectHints } from './hints.js';
import { randomTensor } from './values.js';

export const DIM_DOMAIN: readonly [number, number] = [1, 12];

/**
 * Share of rank draws taken from the top two ranks allowed: a uniform draw leaves ranks 5 and 6
 * (where index math, tiling and transposes break) under 1% of tensors, since most ops stop at 5.
 */
const HIGH_RANK_SHARE = 0.45;

/** A rank in [lo, hi], the top two ranks favoured (see HIGH_RANK_SHARE). */
export function drawRank(rng: Rng, lo: number, hi: number): number {
  return rng.bool(HIGH_RANK_SHARE) ? rng.int(Math.max(lo, hi - 1), hi) : rng.int(lo, hi);
}

/** A value of the graph under construction; its dims may be symbolic until the end. */
export interface SymValue {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly IntExpr[];
  uses: number;
  origin: 'input' | 'weight' | 'node';
  /** For weights: how their values are made once the dims are known. */
  readonly fill?: WeightFill;
}

type WeightFill =
  /** Random values; `atLeast` moves them above a domain's minimum (a quantization scale: positive). */
  | { readonly kind: 'random'; readonly atLeast?: number }
  | { readonly kind: 'constant'; readonly values: AttrBinding; readonly scalar: boolean }
  | {
      readonly kind: 'ranged';
      readonly lo: IntExpr;
      readonly hi: IntExpr;
      /** The spec's own draw (InputSlot.drawValues), given how to evaluate the node's dims. */
      readonly draw?: (num: (e: IntExpr | number) => number, draw: (lo: number, hi: number) => number) => number[];
    }
  /** Exact values a rewrite matches (Gelu's sqrt(2), 0.5): kept out of the input search. */
  | { readonly kind: 'exact'; readonly values: readonly number[] };

interface SymNode {
  readonly spec: OpSpec;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, AttrBinding>;
}

/**
 * How a request wants one input slot filled (a pattern's steps use these; a slot without one is
 * filled at random as for any single op).
 */
export type SlotFill =
  /** An existing value, by name. */
  | { readonly kind: 'value'; readonly name: string }
  /**
   * A new random weight (or graph input): of the given dims (an undefined dim is left free), or of
   * a random rank within `rank`.
   */
  | { readonly kind: 'new'; readonly as: 'weight' | 'input'; readonly dims?: readonly (IntExpr | number | undefined)[]; readonly rank?: readonly [number, number] }
  /** A constant of exact values (a scalar when `shape` is empty). */
  | { readonly kind: 'exact'; readonly values: readonly number[]; readonly shape: readonly number[]; readonly dtype?: DType }
  | { readonly kind: 'omit' }
  /** Filled as a single op's would be (a shape-typed slot from its attribute), but never left out. */
  | { readonly kind: 'present' };

/** One node to insert. Everything not given is drawn at random. */
export interface InsertRequest {
  readonly spec: OpSpec;
  /** Backward insertion: the node's first output is this graph input, which stops being one. */
  readonly target?: SymValue;
  readonly slots?: readonly (SlotFill | undefined)[];
  /** Attributes with fixed values (e.g. ReduceMean's axes [-1] in a LayerNorm). */
  readonly attrs?: Readonly<Record<string, AttrBinding>>;
  readonly dtype?: DType;
  readonly outputCount?: number;
  /** Extra constraints on the node's outputs (e.g. a channel count that NCHWc layout needs). */
  readonly constraints?: (outputs: readonly SymTensor[]) => readonly BoolExpr[];
}

export type InsertResult = { readonly ok: true; readonly outputs: readonly string[] } | { readonly ok: false; readonly reason: string };

/** What fills one input position of the node being inserted. */
type Filler =
  | { readonly kind: 'omitted' }
  | { readonly kind: 'existing'; readonly value: SymValue }
  | { readonly kind: 'constant'; readonly slot: number; readonly dtype: DType }
  | {
      readonly kind: 'new';
      readonly dtype: DType;
      readonly dims: readonly IntExpr[];
      readonly as: 'input' | 'weight' | 'ranged';
      readonly slot: number;
      readonly exact?: readonly number[];
      readonly atLeast?: number;
    };

export interface BuilderLimits {
  readonly dtypes: readonly DType[];
  readonly maxElements: number;
  readonly maxRank: number;
  readonly opset: number;
}

/**
 * A model under construction over symbolic dims. Every constraint (each spec's requires, positive
 * dims, the element cap) is kept; a witness assignment satisfies all of them at every step. A new
 * node is first fitted by a fast randomized search over its own new variables with the witness
 * fixed; only when that fails is the solver (z3, when given) asked to re-solve everything, which
 * may change earlier dims. The model is concretized from the final witness.
 */
export class GraphBuilder {
  private readonly valueList: SymValue[] = [];
  private readonly byName = new Map<string, SymValue>();
  private readonly nodes: SymNode[] = [];
  private readonly producer = new Map<string, SymNode>();
  private readonly bounds: ValueBounds;
  private readonly domains = new Map<string, readonly [number, number]>();
  private witness = new Map<string, number>();
  /** Element caps (products of dims) of every tensor so far: checked on z3's answers, not sent to z3. */
  private readonly caps: BoolExpr[] = [];
  private counter = 0;
  private readonly exposed = new Set<string>();

  constructor(
    readonly limits: BuilderLimits,
    registry: OpRegistry,
    private readonly rng: Rng,
    readonly solver?: SolverFallback,
  ) {
    this.bounds = new ValueBounds(registry, limits.opset);
  }

  get values(): readonly SymValue[] {
    return this.valueList;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  value(name: string): SymValue {
    const x = this.byName.get(name);
    if (!x) throw new Error(`the graph has no value '${name}'`);
    return x;
  }

  /** The witness value of a dim expression (for policies that look at sizes). */
  evaluate(e: IntExpr | number): number | undefined {
    return evalInt(lift(e), (n) => this.witness.get(n));
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  private addValue(value: SymValue): void {
    this.valueList.push(value);
    this.byName.set(value.name, value);
  }

  /** Whether `name` is computed from `source` (or is it): backward insertion must not close a cycle. */
  dependsOn(name: string, source: string): boolean {
    if (name === source) return true;
    const node = this.producer.get(name);
    return node !== undefined && node.inputs.some((x) => x !== '' && this.dependsOn(x, source));
  }

  /** Adds a graph input of the given rank with fresh dims (drawn in 1..8 for the witness). */
  addInput(dtype: DType | (() => DType), rank: number): SymValue {
    const name = this.fresh('in');
    const dims = Array.from({ length: rank }, (_, d) => {
      const dim = `${name}.${d}`;
      this.domains.set(dim, DIM_DOMAIN);
      this.witness.set(dim, this.rng.int(1, 8));
      return v(dim);
    });
    // A chooser is called after the dims are drawn (the order the random stream has always had).
    const chosen = typeof dtype === 'function' ? dtype() : dtype;
    this.bounds.addLeaf(name, chosen);
    const value: SymValue = { name, dtype: chosen, dims, uses: 0, origin: 'input' };
    this.addValue(value);
    this.solver?.commit([], this.domains);
    return value;
  }

  /** Makes a value a graph output even though other nodes read it. */
  expose(name: string): void {
    this.value(name);
    this.exposed.add(name);
  }

  /** Removes a graph input nothing reads (one added for a pattern that then could not be built). */
  dropUnusedInput(name: string): void {
    const value = this.value(name);
    if (value.origin !== 'input' || value.uses > 0) return;
    this.valueList.splice(this.valueList.indexOf(value), 1);
    this.byName.delete(name);
  }

  /** Tries to add one node; on failure nothing changes and the reason is returned. */
  async insert(request: InsertRequest): Promise<InsertResult> {
    const fail = (reason: string): InsertResult => ({ ok: false, reason });
    const { spec, target } = request;
    const { dtypes, maxRank, maxElements, opset } = this.limits;
    const rng = this.rng;
    // A pattern may ask for bool inside a float model (Not between a comparison and a Where).
    const tChoices = spec.dtypes.filter((d) => dtypes.includes(d) || (d === 'bool' && request.dtype === 'bool'));
    if (tChoices.length === 0) return fail('accepts none of the allowed dtypes');
    const present = new Set(this.valueList.map((x) => x.dtype));
    const inPlay = tChoices.filter((d) => present.has(d));
    const T = request.dtype ?? (target ? target.dtype : rng.pick(inPlay.length > 0 ? inPlay : tChoices));
    if (!tChoices.includes(T)) return fail(`does not accept ${T}`);
    const last = spec.inputs[spec.inputs.length - 1]!;
    const count = request.slots
      ? Math.max(request.slots.length, spec.inputs.filter((s) => !s.optional).length)
      : last.variadic
        ? spec.inputs.length - 1 + rng.int(last.variadic[0], last.variadic[1])
        : spec.inputs.length;
    const slotDtype = (i: number): DType => {
      const slot = slotAt(spec, i)!;
      const source = slot.dtypeOf === undefined ? undefined : fillers[spec.inputs.findIndex((s) => s.name === slot.dtypeOf)];
      if (source?.kind === 'existing') return source.value.dtype;
      if (source?.kind === 'new') return source.dtype;
      if (!slot.dtypes) return slot.dtype ?? T;
      const preferred = slot.dtypes.filter((d) => dtypes.includes(d));
      return rng.pick(preferred.length > 0 ? preferred : slot.dtypes);
    };
    // Values the node may read: not the backward target's descendants (that would close a cycle).
    const usable = target ? this.valueList.filter((x) => !this.dependsOn(x.name, target.name)) : this.valueList;
    const directed = (i: number) => request.slots?.[i];

    // Forward insertion reads at least one existing value: the anchor, the first data slot one fits.
    let anchor = -1;
    // A pattern's step says where its inputs come from (a constant subgraph reads no value at all).
    if (!target && !request.slots) {
      for (let i = 0; i < count && anchor < 0; i++) {
        const slot = slotAt(spec, i)!;
        if (slot.constantFrom || slot.valueRange || slot.weight || directed(i)) continue;
        const want = slot.dtypes ?? [slot.dtype ?? T];
        if (usable.some((x) => want.includes(x.dtype))) anchor = i;
      }
      // An op made of constants alone (ConstantOfShape, Range) reads no value: it needs no anchor.
      const readsValues = spec.inputs.some((slot) => !slot.constantFrom && !slot.optional);
      if (anchor < 0 && readsValues) return fail('no existing value has a dtype it accepts');
    }

    const newDomains = new Map<string, readonly [number, number]>();
    /** Dims of a new tensor: fresh solver variables, except where `given` fixes one. */
    const newDims = (rank: number, given?: readonly (IntExpr | number | undefined)[]): IntExpr[] => {
      const id = this.fresh('p');
      return Array.from({ length: rank }, (_, d) => {
        const fixed = given?.[d];
        if (fixed !== undefined) return lift(fixed);
        newDomains.set(`${id}.${d}`, DIM_DOMAIN);
        return v(`${id}.${d}`);
      });
    };
    const ranks: number[] = [];
    const fillers: Filler[] = [];
    /** Dims a request gave as expressions of earlier dims: they must stay positive. */
    const givenDims: IntExpr[] = [];
    const earlierTensors = (): (SymTensor | undefined)[] =>
      fillers.map((f) => (f.kind === 'existing' ? { dtype: f.value.dtype, shape: f.value.dims } : f.kind === 'new' ? { dtype: f.dtype, shape: f.dims } : undefined));
    for (let i = 0; i < count; i++) {
      const slot = slotAt(spec, i)!;
      const generatedRank = slot.generatedRank?.(earlierTensors());
      const [lo, hi] = generatedRank === undefined ? rankRange(slot, ranks) : [generatedRank, generatedRank];
      const wish = directed(i);
      if (wish && wish.kind !== 'present') {
        switch (wish.kind) {
          case 'omit':
            if (!slot.optional) return fail(`its input ${slot.name} cannot be omitted`);
            fillers.push({ kind: 'omitted' });
            ranks.push(0);
            continue;
          case 'value': {
            const value = this.value(wish.name);
            if (target && this.dependsOn(value.name, target.name)) return fail(`${value.name} is computed from the input it would produce`);
            if (value.dims.length < lo || value.dims.length > hi) return fail(`its input ${slot.name} takes rank ${lo}..${hi}, not ${value.dims.length}`);
            const accepts = slot.dtypes ?? [slot.dtype ?? T];
            if (!accepts.includes(value.dtype)) return fail(`its input ${slot.name} takes ${accepts.join(' or ')}, not ${value.dtype}`);
            fillers.push({ kind: 'existing', value });
            ranks.push(value.dims.length);
            continue;
          }
          case 'new': {
            const rank = wish.dims ? wish.dims.length : rng.int(Math.max(lo, wish.rank?.[0] ?? lo), Math.min(hi, maxRank, wish.rank?.[1] ?? hi));
            if (rank < lo || rank > hi) return fail(`its input ${slot.name} takes rank ${lo}..${hi}, not ${rank}`);
            const dims = newDims(rank, wish.dims);
            if (wish.dims) givenDims.push(...wish.dims.flatMap((d) => (d === undefined ? [] : [lift(d)])));
            fillers.push({ kind: 'new', dtype: slotDtype(i), dims, as: wish.as, slot: i });
            ranks.push(rank);
            continue;
          }
          case 'exact': {
            if (wish.shape.length < lo || wish.shape.length > hi) return fail(`its input ${slot.name} takes rank ${lo}..${hi}, not ${wish.shape.length}`);
            fillers.push({ kind: 'new', dtype: wish.dtype ?? slotDtype(i), dims: wish.shape.map((d) => c(d)), as: 'weight', slot: i, exact: wish.values });
            ranks.push(wish.shape.length);
            continue;
          }
        }
      }
      const partner = slot.exclusiveWith === undefined ? -1 : spec.inputs.findIndex((other) => other.name === slot.exclusiveWith);
      const omit =
        wish?.kind === 'present'
          ? false
          : partner >= 0 && partner < i
          ? fillers[partner]!.kind !== 'omitted'
          : slot.optional && i !== anchor && !rng.bool(partner >= 0 ? 0.5 : slot.constantFrom ? 0.85 : 0.6);
      if (omit) {
        fillers.push({ kind: 'omitted' });
        ranks.push(0);
        continue;
      }
      if (lo > maxRank) return fail(`needs rank ${lo}, above the maximum rank ${maxRank}`);
      if (slot.constantFrom) {
        // A slot of the type variable (Range's start) holds T; a shape-typed one its own dtype.
        fillers.push({ kind: 'constant', slot: i, dtype: slot.dtypes?.[slot.dtypes.length - 1] ?? slot.dtype ?? T });
        ranks.push(lo);
        continue;
      }
      const dtype = slotDtype(i);
      const rank = () => drawRank(rng, lo, Math.min(hi, maxRank));
      if (slot.valueRange) {
        const tuple = slot.tupleLength?.(ranks);
        if (tuple && tuple[0] > tuple[1]) return fail(`its input ${slot.name} can address no dims of the data`);
        const r = tuple ? drawRank(rng, Math.max(lo, 1), Math.min(hi, maxRank)) : rank();
        // The tuple length is a number: output ranks depend on it.
        const dims = tuple ? newDims(r, [...new Array<undefined>(r - 1), rng.int(tuple[0], tuple[1])]) : newDims(r);
        fillers.push({ kind: 'new', dtype, dims, as: 'ranged', slot: i });
        ranks.push(r);
        continue;
      }
      if (slot.weight) {
        const r = rank();
        // Drawn within the slot's domain minimum from the start: runtimes take a scale only as a
        // constant, and a single-op test draws only the graph inputs anew.
        const mins = (spec.domain ?? []).flatMap((rule) => (rule.input === i && rule.min !== undefined ? [rule.min] : []));
        fillers.push({ kind: 'new', dtype, dims: newDims(r), as: 'weight', slot: i, ...(mins.length > 0 ? { atLeast: Math.max(...mins) } : {}) });
        ranks.push(r);
        continue;
      }
      // A domain-limited slot (Log's, Acosh's) takes no value that could never satisfy its domain.
      const rules = (spec.domain ?? []).filter((r) => r.input === i);
      const fits = usable.filter(
        (x) => x.dtype === dtype && x.dims.length >= lo && x.dims.length <= Math.min(hi, maxRank) && rules.every((r) => this.bounds.canRequire(x.name, r)),
      );
      if (i === anchor && fits.length === 0) return fail(`no existing ${dtype} value has a rank in [${lo}, ${hi}] and values its domain allows`);
      if (fits.length > 0 && (i === anchor || rng.bool(0.6))) {
        const value = rng.pickWeighted(fits, fits.map((x) => (x.uses === 0 ? 4 : 1)));
        fillers.push({ kind: 'existing', value });
        ranks.push(value.dims.length);
      } else {
        const r = rank();
        fillers.push({ kind: 'new', dtype, dims: newDims(r), as: rng.bool(0.5) ? 'weight' : 'input', slot: i });
        ranks.push(r);
      }
    }

    const declared = spec.attrs?.(ranks) ?? {};
    const constantAttrs = new Set(spec.inputs.map((s) => s.constantFrom).filter((n): n is string => n !== undefined));
    const usedConstants = new Set(fillers.flatMap((f) => (f.kind === 'constant' ? [slotAt(spec, f.slot)!.constantFrom!] : [])));
    const bindings = new Map<string, AttrBinding>();
    for (const [name, decl] of Object.entries(declared)) {
      if (constantAttrs.has(name) && !usedConstants.has(name)) continue;
      const fixed = request.attrs?.[name];
      if (fixed !== undefined) {
        bindings.set(name, fixed);
        continue;
      }
      const omittable = !constantAttrs.has(name) && (decl.default !== undefined || decl.optional === true);
      if (omittable && rng.bool(0.3)) continue;
      bindings.set(name, drawAttr(decl, { rng, domains: newDomains, fresh: (p) => this.fresh(p), dtype: T }));
    }
    const symInputs: (SymTensor | undefined)[] = fillers.map((f) => {
      switch (f.kind) {
        case 'omitted':
          return undefined;
        case 'existing':
          return { dtype: f.value.dtype, shape: f.value.dims };
        case 'new':
          return { dtype: f.dtype, shape: f.dims };
        case 'constant': {
          const slot = slotAt(spec, f.slot)!;
          const b = bindings.get(slot.constantFrom!);
          return { dtype: f.dtype, shape: Array.isArray(b) ? [c(b.length)] : [] };
        }
      }
    });
    const outputCount = request.outputCount ?? (spec.outputCount ? rng.int(spec.outputCount[0], spec.outputCount[1]) : 1);
    const ctx = makeContext({ spec, inputs: symInputs, declared, bindings, outputCount, opset });
    let constraints: BoolExpr[];
    let outShapes: readonly SymTensor[];
    const ranges = new Map<number, readonly [IntExpr, IntExpr]>();
    const draws = new Map<number, NonNullable<WeightFill & { kind: 'ranged' }>['draw']>();
    try {
      constraints = [...(spec.requires?.(ctx) ?? [])];
      outShapes = spec.outputs(ctx);
      fillers.forEach((f, i) => {
        if (f.kind !== 'new' || f.as !== 'ranged') return;
        const slot = slotAt(spec, i)!;
        ranges.set(i, slot.valueRange!(ctx));
        const drawValues = slot.drawValues;
        if (!drawValues) return;
        // Evaluated once the dims are known: the spec draws on the concrete node.
        draws.set(i, (num, draw) => {
          const concrete = makeContext({
            spec,
            inputs: symInputs.map((x) => (x ? { dtype: x.dtype, shape: x.shape.map((d) => c(num(d))) } : undefined)),
            declared,
            bindings: new Map([...bindings].map(([name, b]) => [name, concreteBinding(b, num)])),
            outputCount,
            opset,
          });
          return drawValues(concrete, f.dims.map(num), draw);
        });
      });
    } catch (e) {
      return fail(`the spec rejected the draw (${(e as Error).message})`);
    }
    if (request.constraints) constraints.push(...request.constraints(outShapes));
    const newCaps: BoolExpr[] = [];
    for (const out of outShapes) {
      // Outputs keep to --dtypes (Cast's target, say), except the bool and int64 results that
      // comparisons, ArgMax and Shape produce whatever their inputs, and what an op of integer
      // inputs makes of a type of its own (MatMulInteger's int32 sums, DequantizeLinear's float32).
      const madeByOp = isIntDType(T) && !spec.dtypes.includes(out.dtype);
      if (!dtypes.includes(out.dtype) && out.dtype !== 'bool' && out.dtype !== 'int64' && !madeByOp) return fail(`its output would be ${out.dtype}, outside the allowed dtypes`);
      for (const d of out.shape) constraints.push(ge(d, 1));
      newCaps.push(le(product(out.shape), maxElements));
    }
    for (const f of fillers) if (f.kind === 'new') newCaps.push(le(product(f.dims), maxElements));
    for (const d of givenDims) constraints.push(ge(d, 1));
    for (const [lo, hi] of ranges.values()) constraints.push(le(lo, hi));
    const inputValues = fillers.map((f) => (f.kind === 'existing' ? f.value.name : f.kind === 'new' && f.as !== 'ranged' && !f.exact ? LEAF_RANGE : undefined));
    if (this.bounds.mustOverflow(spec.name, inputValues, outShapes[0]!.dtype)) return fail(`its ${outShapes[0]!.dtype} output would overflow whatever the inputs`);
    if (target) {
      const out = outShapes[0]!;
      if (!this.bounds.canProduce(spec.name, inputValues, target.name)) return fail(`its values cannot meet what the consumers of ${target.name} require`);
      if (out.dtype !== target.dtype) return fail(`its output is ${out.dtype}, not the ${target.dtype} of the input it would produce`);
      if (out.shape.length !== target.dims.length) return fail(`its output has rank ${out.shape.length}, not ${target.dims.length}`);
      out.shape.forEach((d, i) => constraints.push(eq(d, target.dims[i]!)));
    }

    // Fast path: the new variables alone, the witness fixed. Then the solver, over everything.
    const hints = collectHints(constraints, [...this.witness.values()]);
    const local = solveRandom({ domains: newDomains, fixed: this.witness, constraints: [...constraints, ...newCaps], hints }, rng);
    let nextWitness: Map<string, number> | undefined = local ? new Map([...this.witness, ...local]) : undefined;
    const solver = this.solver;
    // z3 can only help by moving earlier dims: skip it when the node constrains new variables alone.
    if (!nextWitness && solver && constraints.some((k) => [...varsOf(k)].some((name) => this.domains.has(name)))) {
      // Products of dims make queries non-linear and slow; z3 gets the rest and its answer is
      // checked against every cap.
      nextWitness = await solver.extend({
        constraints,
        domains: new Map([...this.domains, ...newDomains]),
        newVars: [...newDomains.keys()],
        verify: [...this.caps, ...newCaps],
      });
    } else if (nextWitness && solver) {
      solver.commit(constraints, newDomains);
    }
    if (!nextWitness) return fail('no shapes or attributes satisfy its constraints');
    this.witness = nextWitness;
    this.caps.push(...newCaps);
    for (const [k, d] of newDomains) this.domains.set(k, d);
    return { ok: true, outputs: this.commit({ spec, fillers, bindings, outShapes, ranges, draws, target }) };
  }

  /** A graph input a backward insertion of `spec` could produce, if any. */
  pickBackwardTarget(spec: OpSpec, options: { exclude?: ReadonlySet<string>; rank?: number } = {}): SymValue | undefined {
    const inputs = this.valueList.filter((x) => x.origin === 'input');
    // The model keeps at least one fed input: a test of constants alone is all constant-folded away.
    if (inputs.length < 2) return undefined;
    const candidates = inputs.filter((x) => spec.dtypes.includes(x.dtype) && this.limits.dtypes.includes(x.dtype) && !options.exclude?.has(x.name));
    const ranked = options.rank === undefined ? candidates : candidates.filter((x) => x.dims.length === options.rank);
    const from = ranked.length > 0 ? ranked : candidates;
    return from.length > 0 ? this.rng.pick(from) : undefined;
  }

  private commit(args: {
    spec: OpSpec;
    fillers: readonly Filler[];
    bindings: ReadonlyMap<string, AttrBinding>;
    outShapes: readonly SymTensor[];
    ranges: ReadonlyMap<number, readonly [IntExpr, IntExpr]>;
    draws: ReadonlyMap<number, NonNullable<WeightFill & { kind: 'ranged' }>['draw']>;
    target: SymValue | undefined;
  }): string[] {
    const { spec, fillers, bindings, outShapes, ranges, draws, target } = args;
    const inputs = fillers.map((f, i): string => {
      switch (f.kind) {
        case 'omitted':
          return '';
        case 'existing':
          f.value.uses++;
          return f.value.name;
        case 'constant': {
          const b = bindings.get(slotAt(spec, f.slot)!.constantFrom!)!;
          const name = this.fresh('const');
          const dtype = f.dtype;
          const scalar = !Array.isArray(b);
          this.addValue({ name, dtype, dims: scalar ? [] : [c((b as readonly unknown[]).length)], uses: 1, origin: 'weight', fill: { kind: 'constant', values: b, scalar } });
          this.bounds.addFixed(name);
          return name;
        }
        case 'new': {
          const name = this.fresh(f.as === 'input' ? 'in' : f.as === 'ranged' ? 'idx' : f.exact ? 'k' : 'w');
          const range = ranges.get(i);
          const fill: WeightFill | undefined = f.exact
            ? { kind: 'exact', values: f.exact }
            : f.as === 'weight'
              ? { kind: 'random', ...(f.atLeast !== undefined ? { atLeast: f.atLeast } : {}) }
              : range
                ? { kind: 'ranged', lo: range[0], hi: range[1], ...(draws.get(i) ? { draw: draws.get(i)! } : {}) }
                : undefined;
          this.addValue({ name, dtype: f.dtype, dims: f.dims, uses: 1, origin: f.as === 'input' ? 'input' : 'weight', ...(fill ? { fill } : {}) });
          if (f.as === 'ranged' || f.exact) this.bounds.addFixed(name);
          else this.bounds.addLeaf(name, f.dtype);
          return name;
        }
      }
    });
    while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
    const outputs = outShapes.map((o, i) => {
      if (i === 0 && target) {
        // The input becomes this node's output: same name and dims, now computed.
        target.origin = 'node';
        return target.name;
      }
      const name = this.fresh('v');
      this.addValue({ name, dtype: o.dtype, dims: o.shape, uses: 0, origin: 'node' });
      return name;
    });
    const node = { spec, inputs, outputs, attrs: bindings };
    this.nodes.push(node);
    for (const o of outputs) this.producer.set(o, node);
    this.bounds.addNode(spec.name, inputs, outputs);
    // Only exact constants are known now: a rule another input may waive stays in force otherwise.
    const exactInputs = fillers.map((f) => (f.kind === 'new' && f.exact ? { data: f.exact } : undefined));
    for (const rule of rulesInForce(spec.domain, exactInputs)) {
      const name = inputs[rule.input];
      if (name) this.bounds.require(name, rule);
    }
    return outputs;
  }

  /** The model at the final witness: dims, weights and attributes become numbers; nodes are sorted. */
  concretize(): Model {
    const opset = this.limits.opset;
    const num = (e: IntExpr | number): number => {
      const x = evalInt(lift(e), (n) => this.witness.get(n));
      if (x === undefined) throw new Error('the generator left an expression without a value');
      return x;
    };
    const dataRng = this.rng.fork('weights');
    const shape = (x: SymValue) => x.dims.map(num);
    const inputs: ValueInfo[] = this.valueList.filter((x) => x.origin === 'input').map((x) => ({ name: x.name, dtype: x.dtype, shape: shape(x) }));
    const weights: Weight[] = this.valueList
      .filter((x) => x.origin === 'weight')
      .map((x): Weight => {
        const dims = shape(x);
        const fill = x.fill!;
        switch (fill.kind) {
          case 'random': {
            const value = randomTensor(dataRng, x.dtype, dims);
            const atLeast = fill.atLeast;
            return { name: x.name, value: atLeast === undefined ? value : makeTensor(x.dtype, dims, Array.from(value.data, (v) => atLeast + Math.abs(v))) };
          }
          case 'ranged': {
            if (fill.draw) return { name: x.name, value: makeTensor(x.dtype, dims, fill.draw(num, (lo, hi) => dataRng.int(lo, hi))) };
            const [lo, hi] = [num(fill.lo), num(fill.hi)];
            return { name: x.name, value: makeTensor(x.dtype, dims, Array.from({ length: sizeOf(dims) }, () => dataRng.int(lo, hi))) };
          }
          case 'exact':
            return { name: x.name, value: makeTensor(x.dtype, dims, fill.values), fixed: true };
          case 'constant': {
            const raw = fill.values;
            const list = Array.isArray(raw) ? raw.map((e: IntExpr | number) => (typeof e === 'number' ? e : num(e))) : [typeof raw === 'number' ? raw : num(raw as IntExpr)];
            return { name: x.name, value: makeTensor(x.dtype, fill.scalar ? [] : [list.length], list) };
          }
        }
      });
    const types = new Map<string, ValueInfo>(inputs.map((i) => [i.name, i]));
    for (const w of weights) types.set(w.name, { name: w.name, dtype: w.value.dtype, shape: w.value.shape });
    const constants = new Map(weights.map((w) => [w.name, w.value]));
    const ordered: Node[] = [];
    for (const node of topologicalOrder(this.nodes, new Set(types.keys()))) {
      const attrs: Record<string, AttrValue> = {};
      for (const [name, b] of node.attrs) {
        if (node.spec.inputs.some((s) => s.constantFrom === name)) continue;
        if (isStringList(b)) attrs[name] = b;
        else attrs[name] = typeof b === 'string' || typeof b === 'number' ? b : Array.isArray(b) ? b.map((x: IntExpr | number) => (typeof x === 'number' ? x : num(x))) : num(b as IntExpr);
      }
      const outTypes = inferConcrete(node.spec, {
        inputs: node.inputs.map((n) => (n === '' ? undefined : types.get(n))),
        attrs,
        constants: node.inputs.map((n) => constants.get(n)),
        outputCount: node.outputs.length,
        opset,
      }).outputs;
      const outputs = node.outputs.map((name, i) => ({ name, dtype: outTypes[i]!.dtype, shape: outTypes[i]!.shape }));
      for (const o of outputs) types.set(o.name, o);
      ordered.push({ name: `n${ordered.length}_${node.spec.name}`, op: node.spec.name, inputs: node.inputs, outputs, attrs });
    }
    const outputs = this.valueList.filter((x) => x.origin === 'node' && (x.uses === 0 || this.exposed.has(x.name))).map((x) => x.name);
    return { opset, inputs, weights, nodes: ordered, outputs };
  }
}

/** An attribute binding with every symbolic int evaluated. */
function concreteBinding(b: AttrBinding, num: (e: IntExpr | number) => number): AttrBinding {
  if (typeof b === 'string' || typeof b === 'number') return b;
  if (Array.isArray(b)) return b.map((x: IntExpr | number) => num(x));
  return num(b as IntExpr);
}

/** Kahn's order: a node comes once all its inputs exist; ties keep insertion order. */
function topologicalOrder(nodes: readonly SymNode[], available: Set<string>): SymNode[] {
  const pending = [...nodes];
  const ordered: SymNode[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((n) => n.inputs.every((x) => x === '' || available.has(x)));
    if (i < 0) throw new Error('the generated graph has a cycle');
    const [node] = pending.splice(i, 1);
    ordered.push(node!);
    for (const o of node!.outputs) available.add(o);
  }
  return ordered;
}

/** A strings attribute's binding (the recurrent ops' activations): concrete already. */
function isStringList(b: AttrBinding): b is readonly string[] {
  return Array.isArray(b) && b.length > 0 && b.every((x) => typeof x === 'string');
}
