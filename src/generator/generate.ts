import type { DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type AttrValue, type Model, type Node, type ValueInfo, type Weight } from '../ir/model.js';
import { makeTensor, sizeOf } from '../ir/tensor.js';
import { makeContext, type AttrBinding } from '../opspec/context.js';
import { c, eq, evalInt, ge, le, lift, product, v, varsOf, type BoolExpr, type IntExpr } from '../opspec/expr.js';
import { inferConcrete, rankRange, slotAt } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { OpSpec, SymTensor } from '../opspec/spec.js';
import { drawAttr } from './attributes.js';
import type { Rng } from './rng.js';
import { loadZ3, Z3Fallback, type SolverFallback } from './smt/z3-solver.js';
import { LEAF_RANGE, ValueBounds } from './value-bounds.js';
import { solveRandom } from './solve.js';
import { collectHints } from './hints.js';
import { randomTensor } from './values.js';

export interface GeneratorConfig {
  readonly maxNodes: number;
  /** Ops to draw from (default: every op of the registry at the opset). */
  readonly ops?: readonly string[];
  readonly excludeOps?: readonly string[];
  /** Dtypes the model's data tensors may have (shape-typed and index constants aside). Default float32. */
  readonly dtypes?: readonly DType[];
  /** Largest number of elements of any tensor. */
  readonly maxElements?: number;
  readonly maxRank?: number;
  /** The model's ONNX opset (default 17). */
  readonly opset?: number;
}

export interface GenerationResult {
  readonly model: Model;
  /** Why attempts to add a node failed, with counts (for --stats and for reporting a short model). */
  readonly failures: ReadonlyMap<string, number>;
  /** How many z3 checks the model needed (0 on the fast path). */
  readonly solverChecks: number;
}

export class GenerationError extends Error {
  override readonly name = 'GenerationError';
}

const DIM_DOMAIN: readonly [number, number] = [1, 12];
/** Attempts per requested node before giving up. */
const ATTEMPTS_PER_NODE = 25;
/** Share of insertions that are backward (a new op produces an existing input) when a solver is at hand. */
const BACKWARD_SHARE = 0.3;

/** A value of the graph under construction; its dims may be symbolic until the end. */
interface SymValue {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly IntExpr[];
  uses: number;
  origin: 'input' | 'weight' | 'node';
  /** For weights: how their values are made once the dims are known. */
  readonly fill?: WeightFill;
}

type WeightFill =
  | { readonly kind: 'random' }
  | { readonly kind: 'constant'; readonly values: AttrBinding; readonly scalar: boolean }
  | { readonly kind: 'ranged'; readonly lo: IntExpr; readonly hi: IntExpr };

interface SymNode {
  readonly spec: OpSpec;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, AttrBinding>;
}

/** What fills one input position of the node being inserted. */
type Filler =
  | { readonly kind: 'omitted' }
  | { readonly kind: 'existing'; readonly value: SymValue }
  | { readonly kind: 'new'; readonly dtype: DType; readonly dims: IntExpr[]; readonly as: 'input' | 'weight' | 'ranged'; readonly slot: number };

/** The specs a config allows at its opset, in name order. */
export function allowedSpecs(config: GeneratorConfig, registry: OpRegistry): OpSpec[] {
  const dtypes = config.dtypes ?? ['float32'];
  const opset = config.opset ?? DEFAULT_OPSET;
  for (const name of [...(config.ops ?? []), ...(config.excludeOps ?? [])]) {
    if (!registry.has(name)) throw new GenerationError(`unknown op '${name}' (see 'tensorsmith ops')`);
  }
  return registry
    .all(opset)
    .filter((s) => !config.ops || config.ops.includes(s.name))
    .filter((s) => !(config.excludeOps ?? []).includes(s.name))
    .filter((s) => s.dtypes.some((d) => dtypes.includes(d)));
}

/**
 * Builds a model node by node over symbolic dims. Every constraint (each spec's requires, positive
 * dims, the element cap) is kept; a witness assignment satisfies all of them at every step. A new
 * node is first fitted by a fast randomized search over its own new variables with the witness
 * fixed; only when that fails is the solver (z3, when given) asked to re-solve everything, which
 * may change earlier dims. Without a solver this is the plain random generator (forward insertion
 * only). The model is concretized from the final witness.
 */
export async function generateModel(
  config: GeneratorConfig,
  registry: OpRegistry,
  rng: Rng,
  solver?: SolverFallback,
): Promise<GenerationResult> {
  const dtypes = config.dtypes ?? ['float32'];
  const maxElements = config.maxElements ?? 4096;
  const maxRank = config.maxRank ?? 4;
  const opset = config.opset ?? DEFAULT_OPSET;
  const specs = allowedSpecs(config, registry);
  if (specs.length === 0) {
    throw new GenerationError(`no op is allowed at opset ${opset} by --ops/--exclude-ops with dtypes ${dtypes.join(', ')}`);
  }
  const values: SymValue[] = [];
  const nodes: SymNode[] = [];
  const producer = new Map<string, SymNode>();
  const bounds = new ValueBounds(registry, opset);
  const domains = new Map<string, readonly [number, number]>();
  let witness = new Map<string, number>();
  /** Element caps (products of dims) of every tensor so far: checked on z3's answers, not sent to z3. */
  const caps: BoolExpr[] = [];
  const failures = new Map<string, number>();
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${counter++}`;
  const addValue = (value: SymValue) => values.push(value);
  /** Whether `name` is computed from `source` (or is it): backward insertion must not close a cycle. */
  const dependsOn = (name: string, source: string): boolean => {
    if (name === source) return true;
    const node = producer.get(name);
    return node !== undefined && node.inputs.some((x) => x !== '' && dependsOn(x, source));
  };

  // The first input suits the first slot of some allowed op, so that `--ops Conv` can start.
  const opener = rng.pick(specs);
  const [openerLo, openerHi] = rankRange(opener.inputs[0]!, []);
  const firstRank = rng.int(Math.max(1, openerLo), Math.max(1, Math.min(openerHi, maxRank)));
  const firstName = fresh('in');
  const firstDims = Array.from({ length: firstRank }, (_, d) => {
    const name = `${firstName}.${d}`;
    domains.set(name, DIM_DOMAIN);
    witness.set(name, rng.int(1, 8));
    return v(name);
  });
  const firstDtype = rng.pick(opener.dtypes.filter((d) => dtypes.includes(d)));
  bounds.addLeaf(firstName, firstDtype);
  addValue({
    name: firstName,
    dtype: firstDtype,
    dims: firstDims,
    uses: 0,
    origin: 'input',
  });
  solver?.commit([], domains);

  const maxAttempts = config.maxNodes * ATTEMPTS_PER_NODE;
  for (let attempt = 0; attempt < maxAttempts && nodes.length < config.maxNodes; attempt++) {
    const spec = rng.pick(specs);
    const backward = solver !== undefined && rng.bool(BACKWARD_SHARE);
    const failure = await tryInsert(spec, backward);
    if (failure) {
      const key = `${spec.name}: ${failure}`;
      failures.set(key, (failures.get(key) ?? 0) + 1);
    }
  }
  if (nodes.length === 0) throw new GenerationError(`could not insert any node in ${maxAttempts} attempts: ${summarize(failures)}`);
  return { model: concretize(), failures, solverChecks: solver?.checks ?? 0 };

  /** Tries to add one node of the spec; returns a failure reason, or undefined on success. */
  async function tryInsert(spec: OpSpec, backward: boolean): Promise<string | undefined> {
    // Backward insertion: the node produces an existing graph input, which stops being one.
    const target = backward ? pickBackwardTarget(spec) : undefined;
    if (backward && !target) return 'no graph input it could produce';
    const tChoices = spec.dtypes.filter((d) => dtypes.includes(d));
    if (tChoices.length === 0) return 'accepts none of the allowed dtypes';
    const present = new Set(values.map((x) => x.dtype));
    const inPlay = tChoices.filter((d) => present.has(d));
    const T = target ? target.dtype : rng.pick(inPlay.length > 0 ? inPlay : tChoices);
    if (!tChoices.includes(T)) return `does not accept ${T}`;
    const last = spec.inputs[spec.inputs.length - 1]!;
    const count = last.variadic ? spec.inputs.length - 1 + rng.int(last.variadic[0], last.variadic[1]) : spec.inputs.length;
    const slotDtype = (i: number): DType => {
      const slot = slotAt(spec, i)!;
      if (!slot.dtypes) return slot.dtype ?? T;
      const preferred = slot.dtypes.filter((d) => dtypes.includes(d));
      return rng.pick(preferred.length > 0 ? preferred : slot.dtypes);
    };
    // Values the node may read: not the backward target's descendants (that would close a cycle).
    const usable = target ? values.filter((x) => !dependsOn(x.name, target.name)) : values;

    // Forward insertion reads at least one existing value: the anchor, the first data slot one fits.
    let anchor = -1;
    if (!target) {
      for (let i = 0; i < count && anchor < 0; i++) {
        const slot = slotAt(spec, i)!;
        if (slot.constantFrom || slot.valueRange) continue;
        const want = slot.dtypes ?? [slot.dtype ?? T];
        if (usable.some((x) => want.includes(x.dtype))) anchor = i;
      }
      if (anchor < 0) return 'no existing value has a dtype it accepts';
    }

    const newDomains = new Map<string, readonly [number, number]>();
    const newDims = (rank: number): IntExpr[] => {
      const id = fresh('p');
      return Array.from({ length: rank }, (_, d) => {
        newDomains.set(`${id}.${d}`, DIM_DOMAIN);
        return v(`${id}.${d}`);
      });
    };
    const ranks: number[] = [];
    const fillers: (Filler | { kind: 'constant'; slot: number })[] = [];
    for (let i = 0; i < count; i++) {
      const slot = slotAt(spec, i)!;
      const partner = slot.exclusiveWith === undefined ? -1 : spec.inputs.findIndex((other) => other.name === slot.exclusiveWith);
      const omit =
        partner >= 0 && partner < i
          ? fillers[partner]!.kind !== 'omitted'
          : slot.optional && i !== anchor && !rng.bool(partner >= 0 ? 0.5 : slot.constantFrom ? 0.85 : 0.6);
      if (omit) {
        fillers.push({ kind: 'omitted' });
        ranks.push(0);
        continue;
      }
      const [lo, hi] = rankRange(slot, ranks);
      if (lo > maxRank) return `needs rank ${lo}, above the maximum rank ${maxRank}`;
      if (slot.constantFrom) {
        fillers.push({ kind: 'constant', slot: i });
        ranks.push(lo);
        continue;
      }
      const dtype = slotDtype(i);
      const rank = () => rng.int(lo, Math.min(hi, maxRank));
      if (slot.valueRange) {
        const r = rank();
        fillers.push({ kind: 'new', dtype, dims: newDims(r), as: 'ranged', slot: i });
        ranks.push(r);
        continue;
      }
      // A domain-limited slot (Log's, Acosh's) takes no value that could never satisfy its domain.
      const rules = (spec.domain ?? []).filter((r) => r.input === i);
      const fits = usable.filter(
        (x) => x.dtype === dtype && x.dims.length >= lo && x.dims.length <= Math.min(hi, maxRank) && rules.every((r) => bounds.canRequire(x.name, r)),
      );
      if (i === anchor && fits.length === 0) return `no existing ${dtype} value has a rank in [${lo}, ${hi}] and values its domain allows`;
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
      const omittable = !constantAttrs.has(name) && (decl.default !== undefined || decl.optional === true);
      if (omittable && rng.bool(0.3)) continue;
      bindings.set(name, drawAttr(decl, { rng, domains: newDomains, fresh }));
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
          return { dtype: slot.dtypes?.[slot.dtypes.length - 1] ?? slot.dtype ?? 'int64', shape: Array.isArray(b) ? [c(b.length)] : [] };
        }
      }
    });
    const outputCount = spec.outputCount ? rng.int(spec.outputCount[0], spec.outputCount[1]) : 1;
    const ctx = makeContext({ spec, inputs: symInputs, declared, bindings, outputCount, opset });
    let constraints: BoolExpr[];
    let outShapes: readonly SymTensor[];
    const ranges = new Map<number, readonly [IntExpr, IntExpr]>();
    try {
      constraints = [...(spec.requires?.(ctx) ?? [])];
      outShapes = spec.outputs(ctx);
      fillers.forEach((f, i) => {
        if (f.kind === 'new' && f.as === 'ranged') ranges.set(i, slotAt(spec, i)!.valueRange!(ctx));
      });
    } catch (e) {
      return `the spec rejected the draw (${(e as Error).message})`;
    }
    const newCaps: BoolExpr[] = [];
    for (const out of outShapes) {
      // Outputs keep to --dtypes (Cast's target, say), except the bool and int64 results that
      // comparisons, ArgMax and Shape produce whatever their inputs.
      if (!dtypes.includes(out.dtype) && out.dtype !== 'bool' && out.dtype !== 'int64') return `its output would be ${out.dtype}, outside the allowed dtypes`;
      for (const d of out.shape) constraints.push(ge(d, 1));
      newCaps.push(le(product(out.shape), maxElements));
    }
    for (const f of fillers) if (f.kind === 'new') newCaps.push(le(product(f.dims), maxElements));
    for (const [lo, hi] of ranges.values()) constraints.push(le(lo, hi));
    const inputValues = fillers.map((f) => (f.kind === 'existing' ? f.value.name : f.kind === 'new' && f.as !== 'ranged' ? LEAF_RANGE : undefined));
    if (bounds.mustOverflow(spec.name, inputValues, outShapes[0]!.dtype)) return `its ${outShapes[0]!.dtype} output would overflow whatever the inputs`;
    if (target) {
      const out = outShapes[0]!;
      if (!bounds.canProduce(spec.name, inputValues, target.name)) return `its values cannot meet what the consumers of ${target.name} require`;
      if (out.dtype !== target.dtype) return `its output is ${out.dtype}, not the ${target.dtype} of the input it would produce`;
      if (out.shape.length !== target.dims.length) return `its output has rank ${out.shape.length}, not ${target.dims.length}`;
      out.shape.forEach((d, i) => constraints.push(eq(d, target.dims[i]!)));
    }

    // Fast path: the new variables alone, the witness fixed. Then the solver, over everything.
    const hints = collectHints(constraints, [...witness.values()]);
    const local = solveRandom({ domains: newDomains, fixed: witness, constraints: [...constraints, ...newCaps], hints }, rng);
    let nextWitness: Map<string, number> | undefined = local ? new Map([...witness, ...local]) : undefined;
    // z3 can only help by moving earlier dims: skip it when the node constrains new variables alone.
    if (!nextWitness && solver && constraints.some((k) => [...varsOf(k)].some((name) => domains.has(name)))) {
      // Products of dims make queries non-linear and slow; z3 gets the rest and its answer is
      // checked against every cap.
      nextWitness = await solver.extend({
        constraints,
        domains: new Map([...domains, ...newDomains]),
        newVars: [...newDomains.keys()],
        verify: [...caps, ...newCaps],
      });
    } else if (nextWitness && solver) {
      solver.commit(constraints, newDomains);
    }
    if (!nextWitness) return 'no shapes or attributes satisfy its constraints';
    witness = nextWitness;
    caps.push(...newCaps);
    for (const [k, d] of newDomains) domains.set(k, d);
    commit({ spec, fillers, bindings, constantAttrs, outShapes, ranges, target });
    return undefined;
  }

  function pickBackwardTarget(spec: OpSpec): SymValue | undefined {
    const inputs = values.filter((x) => x.origin === 'input');
    // The model keeps at least one fed input: a test of constants alone is all constant-folded away.
    if (inputs.length < 2) return undefined;
    const candidates = inputs.filter((x) => spec.dtypes.includes(x.dtype) && dtypes.includes(x.dtype));
    return candidates.length > 0 ? rng.pick(candidates) : undefined;
  }

  function commit(args: {
    spec: OpSpec;
    fillers: readonly (Filler | { kind: 'constant'; slot: number })[];
    bindings: ReadonlyMap<string, AttrBinding>;
    constantAttrs: ReadonlySet<string>;
    outShapes: readonly SymTensor[];
    ranges: ReadonlyMap<number, readonly [IntExpr, IntExpr]>;
    target: SymValue | undefined;
  }): void {
    const { spec, fillers, bindings, outShapes, ranges, target } = args;
    const inputs = fillers.map((f, i): string => {
      switch (f.kind) {
        case 'omitted':
          return '';
        case 'existing':
          f.value.uses++;
          return f.value.name;
        case 'constant': {
          const slot = slotAt(spec, f.slot)!;
          const b = bindings.get(slot.constantFrom!)!;
          const name = fresh('const');
          const dtype = slot.dtypes?.[slot.dtypes.length - 1] ?? slot.dtype ?? 'int64';
          const scalar = !Array.isArray(b);
          addValue({ name, dtype, dims: scalar ? [] : [c((b as readonly unknown[]).length)], uses: 1, origin: 'weight', fill: { kind: 'constant', values: b, scalar } });
          bounds.addFixed(name);
          return name;
        }
        case 'new': {
          const name = fresh(f.as === 'input' ? 'in' : f.as === 'ranged' ? 'idx' : 'w');
          const range = ranges.get(i);
          const fill: WeightFill | undefined = f.as === 'weight' ? { kind: 'random' } : range ? { kind: 'ranged', lo: range[0], hi: range[1] } : undefined;
          addValue({ name, dtype: f.dtype, dims: f.dims, uses: 1, origin: f.as === 'input' ? 'input' : 'weight', ...(fill ? { fill } : {}) });
          if (f.as === 'ranged') bounds.addFixed(name);
          else bounds.addLeaf(name, f.dtype);
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
      const name = fresh('v');
      addValue({ name, dtype: o.dtype, dims: o.shape, uses: 0, origin: 'node' });
      return name;
    });
    const node = { spec, inputs, outputs, attrs: bindings };
    nodes.push(node);
    for (const o of outputs) producer.set(o, node);
    bounds.addNode(spec.name, inputs, outputs);
    for (const rule of spec.domain ?? []) {
      const name = inputs[rule.input];
      if (name) bounds.require(name, rule);
    }
  }

  /** The model at the final witness: dims, weights and attributes become numbers; nodes are sorted. */
  function concretize(): Model {
    const num = (e: IntExpr | number): number => {
      const x = evalInt(lift(e), (n) => witness.get(n));
      if (x === undefined) throw new Error('the generator left an expression without a value');
      return x;
    };
    const dataRng = rng.fork('weights');
    const shape = (x: SymValue) => x.dims.map(num);
    const inputs: ValueInfo[] = values.filter((x) => x.origin === 'input').map((x) => ({ name: x.name, dtype: x.dtype, shape: shape(x) }));
    const weights: Weight[] = values
      .filter((x) => x.origin === 'weight')
      .map((x) => {
        const dims = shape(x);
        const fill = x.fill!;
        if (fill.kind === 'random') return { name: x.name, value: randomTensor(dataRng, x.dtype, dims) };
        if (fill.kind === 'ranged') {
          const [lo, hi] = [num(fill.lo), num(fill.hi)];
          return { name: x.name, value: makeTensor(x.dtype, dims, Array.from({ length: sizeOf(dims) }, () => dataRng.int(lo, hi))) };
        }
        const raw = fill.values;
        const list = Array.isArray(raw) ? raw.map((e: IntExpr | number) => (typeof e === 'number' ? e : num(e))) : [typeof raw === 'number' ? raw : num(raw as IntExpr)];
        return { name: x.name, value: makeTensor(x.dtype, fill.scalar ? [] : [list.length], list) };
      });
    const types = new Map<string, ValueInfo>(inputs.map((i) => [i.name, i]));
    for (const w of weights) types.set(w.name, { name: w.name, dtype: w.value.dtype, shape: w.value.shape });
    const constants = new Map(weights.map((w) => [w.name, w.value]));
    const ordered: Node[] = [];
    for (const node of topologicalOrder(nodes, new Set(types.keys()))) {
      const attrs: Record<string, AttrValue> = {};
      for (const [name, b] of node.attrs) {
        if (node.spec.inputs.some((s) => s.constantFrom === name)) continue;
        attrs[name] = typeof b === 'string' || typeof b === 'number' ? b : Array.isArray(b) ? b.map((x: IntExpr | number) => (typeof x === 'number' ? x : num(x))) : num(b as IntExpr);
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
    const outputs = values.filter((x) => x.origin === 'node' && x.uses === 0).map((x) => x.name);
    return { opset, inputs, weights, nodes: ordered, outputs };
  }
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

function summarize(failures: ReadonlyMap<string, number>): string {
  return [...failures.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([r, n]) => `${r} (x${n})`)
    .join('; ');
}

export type GeneratorMethod = 'smt' | 'random';

/**
 * Generates with the chosen method: `smt` (default) keeps every dim symbolic and falls back on z3
 * when the fast search cannot fit a node, and also inserts backward; `random` never calls a solver.
 */
export async function generate(config: GeneratorConfig & { method?: GeneratorMethod }, registry: OpRegistry, rng: Rng): Promise<GenerationResult> {
  if ((config.method ?? 'smt') === 'random') return generateModel(config, registry, rng);
  const solver = new Z3Fallback(await loadZ3(), rng.fork('z3'));
  try {
    return await generateModel(config, registry, rng, solver);
  } finally {
    solver.dispose();
  }
}
