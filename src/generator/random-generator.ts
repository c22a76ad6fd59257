import type { DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type AttrValue, type Model, type Node, type ValueInfo, type Weight } from '../ir/model.js';
import { makeTensor, sizeOf } from '../ir/tensor.js';
import { makeContext, type AttrBinding } from '../opspec/context.js';
import { c, constValue, evalInt, ge, le, lift, product, v, type BoolExpr, type IntExpr } from '../opspec/expr.js';
import { inferConcrete, rankRange, slotAt } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { AttrSpec, InputSlot, OpSpec, SymTensor } from '../opspec/spec.js';
import type { Rng } from './rng.js';
import { solveRandom } from './solve.js';
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
}

export class GenerationError extends Error {
  override readonly name = 'GenerationError';
}

const DIM_DOMAIN: readonly [number, number] = [1, 12];

interface Available {
  readonly info: ValueInfo;
  uses: number;
  readonly producedByNode: boolean;
}

/** What fills one input position of the node being inserted. */
type Filler =
  | { readonly kind: 'omitted' }
  | { readonly kind: 'existing'; readonly value: Available }
  | { readonly kind: 'new'; readonly dtype: DType; readonly dims: IntExpr[]; readonly as: 'input' | 'weight' }
  /** A shape-typed constant whose values are an attribute. */
  | { readonly kind: 'constant'; readonly slot: InputSlot }
  /** An index-like weight whose values must lie in the slot's value range. */
  | { readonly kind: 'ranged'; readonly dtype: DType; readonly dims: IntExpr[]; readonly slot: InputSlot };

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
 * The plain seeded random generator: forward insertion of nodes over existing values, with shapes
 * and attributes found by randomized backtracking on each spec's constraints.
 */
export function generateRandomModel(config: GeneratorConfig, registry: OpRegistry, rng: Rng): GenerationResult {
  const dtypes = config.dtypes ?? ['float32'];
  const maxElements = config.maxElements ?? 4096;
  const maxRank = config.maxRank ?? 4;
  const opset = config.opset ?? DEFAULT_OPSET;
  const specs = allowedSpecs(config, registry);
  if (specs.length === 0) {
    throw new GenerationError(`no op is allowed at opset ${opset} by --ops/--exclude-ops with dtypes ${dtypes.join(', ')}`);
  }
  const inputs: ValueInfo[] = [];
  const weights: Weight[] = [];
  const nodes: Node[] = [];
  const available: Available[] = [];
  const failures = new Map<string, number>();
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${counter++}`;

  // The first input suits the first slot of some allowed op, so that `--ops Conv` can start.
  const opener = rng.pick(specs);
  const firstDtype = rng.pick(opener.dtypes.filter((d) => dtypes.includes(d)));
  const [openerLo, openerHi] = rankRange(opener.inputs[0]!, []);
  const firstRank = rng.int(Math.max(1, openerLo), Math.max(1, Math.min(openerHi, maxRank)));
  const first: ValueInfo = { name: fresh('in'), dtype: firstDtype, shape: Array.from({ length: firstRank }, () => rng.int(1, 8)) };
  inputs.push(first);
  available.push({ info: first, uses: 0, producedByNode: false });

  const maxAttempts = config.maxNodes * 25;
  for (let attempt = 0; attempt < maxAttempts && nodes.length < config.maxNodes; attempt++) {
    const spec = rng.pick(specs);
    const failure = tryInsert(spec);
    if (failure) failures.set(`${spec.name}: ${failure}`, (failures.get(`${spec.name}: ${failure}`) ?? 0) + 1);
  }
  if (nodes.length === 0) throw new GenerationError(`could not insert any node in ${maxAttempts} attempts: ${summarize(failures)}`);
  const outputs = available.filter((a) => a.producedByNode && a.uses === 0).map((a) => a.info.name);
  return { model: { opset, inputs, weights, nodes, outputs }, failures };

  /** Tries to add one node of the spec; returns a failure reason, or undefined on success. */
  function tryInsert(spec: OpSpec): string | undefined {
    const existingDtypes = new Set(available.map((a) => a.info.dtype));
    const tChoices = spec.dtypes.filter((d) => dtypes.includes(d));
    if (tChoices.length === 0) return 'accepts none of the allowed dtypes';
    const T = rng.pick(tChoices.filter((d) => existingDtypes.has(d)).length > 0 ? tChoices.filter((d) => existingDtypes.has(d)) : tChoices);
    const last = spec.inputs[spec.inputs.length - 1]!;
    const count = last.variadic ? spec.inputs.length - 1 + rng.int(last.variadic[0], last.variadic[1]) : spec.inputs.length;
    // A slot with its own dtype list (Pow's exponent, Gather's indices) keeps to --dtypes when it can.
    const slotDtype = (slot: InputSlot): DType => {
      if (!slot.dtypes) return slot.dtype ?? T;
      const preferred = slot.dtypes.filter((d) => dtypes.includes(d));
      return rng.pick(preferred.length > 0 ? preferred : slot.dtypes);
    };

    // The anchor: the first data slot an existing value can fill. Forward insertion means every node
    // consumes at least one existing value.
    let anchor = -1;
    for (let i = 0; i < count && anchor < 0; i++) {
      const slot = slotAt(spec, i)!;
      if (slot.constantFrom || slot.valueRange) continue;
      const want = slot.dtypes ?? [slot.dtype ?? T];
      if (available.some((a) => want.includes(a.info.dtype))) anchor = i;
    }
    if (anchor < 0) return 'no existing value has a dtype it accepts';

    const vars = new Map<string, readonly [number, number]>();
    const newDims = (rank: number): IntExpr[] => {
      const id = fresh('p');
      return Array.from({ length: rank }, (_, d) => {
        vars.set(`${id}.${d}`, DIM_DOMAIN);
        return v(`${id}.${d}`);
      });
    };
    const ranks: number[] = [];
    const fillers: Filler[] = [];
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
        fillers.push({ kind: 'constant', slot });
        ranks.push(lo);
        continue;
      }
      const dtype = slotDtype(slot);
      const rank = () => rng.int(lo, Math.min(hi, maxRank));
      if (slot.valueRange) {
        const r = rank();
        fillers.push({ kind: 'ranged', dtype, dims: newDims(r), slot });
        ranks.push(r);
        continue;
      }
      const fits = available.filter((a) => a.info.dtype === dtype && a.info.shape.length >= lo && a.info.shape.length <= Math.min(hi, maxRank));
      if (i === anchor && fits.length === 0) return `no existing ${dtype} value has a rank in [${lo}, ${hi}]`;
      if (fits.length > 0 && (i === anchor || rng.bool(0.6))) {
        const value = rng.pickWeighted(fits, fits.map((a) => (a.uses === 0 ? 4 : 1)));
        fillers.push({ kind: 'existing', value });
        ranks.push(value.info.shape.length);
      } else {
        const r = rank();
        fillers.push({ kind: 'new', dtype, dims: newDims(r), as: rng.bool(0.5) ? 'weight' : 'input' });
        ranks.push(r);
      }
    }

    const declared = spec.attrs?.(ranks) ?? {};
    const constantAttrs = new Set(spec.inputs.map((s) => s.constantFrom).filter((n): n is string => n !== undefined));
    const usedConstants = new Set(fillers.flatMap((f) => (f.kind === 'constant' ? [f.slot.constantFrom!] : [])));
    const bindings = new Map<string, AttrBinding>();
    for (const [name, decl] of Object.entries(declared)) {
      if (constantAttrs.has(name) && !usedConstants.has(name)) continue;
      const omittable = !constantAttrs.has(name) && (decl.default !== undefined || decl.optional === true);
      if (omittable && rng.bool(0.3)) continue;
      bindings.set(name, drawAttr(decl, vars));
    }
    const symInputs: (SymTensor | undefined)[] = fillers.map((f) => {
      switch (f.kind) {
        case 'omitted':
          return undefined;
        case 'existing':
          return { dtype: f.value.info.dtype, shape: f.value.info.shape.map(c) };
        case 'new':
        case 'ranged':
          return { dtype: f.dtype, shape: f.dims };
        case 'constant': {
          const b = bindings.get(f.slot.constantFrom!);
          const dtype = f.slot.dtypes?.[f.slot.dtypes.length - 1] ?? f.slot.dtype ?? 'int64';
          return { dtype, shape: Array.isArray(b) ? [c(b.length)] : [] };
        }
      }
    });
    const outputCount = spec.outputCount ? rng.int(spec.outputCount[0], spec.outputCount[1]) : 1;
    const ctx = makeContext({ spec, inputs: symInputs, declared, bindings, outputCount, opset });
    let constraints: BoolExpr[];
    let outShapes: readonly SymTensor[];
    const ranges: (readonly [IntExpr, IntExpr] | undefined)[] = [];
    try {
      constraints = [...(spec.requires?.(ctx) ?? [])];
      outShapes = spec.outputs(ctx);
      for (const f of fillers) ranges.push(f.kind === 'ranged' ? f.slot.valueRange!(ctx) : undefined);
    } catch (e) {
      return `the spec rejected the draw (${(e as Error).message})`;
    }
    for (const out of outShapes) {
      // Outputs keep to --dtypes (Cast's target, say), except the bool and int64 results that
      // comparisons, ArgMax and Shape produce whatever their inputs.
      if (!dtypes.includes(out.dtype) && out.dtype !== 'bool' && out.dtype !== 'int64') return `its output would be ${out.dtype}, outside the allowed dtypes`;
      for (const d of out.shape) constraints.push(ge(d, 1));
      constraints.push(le(product(out.shape), maxElements));
    }
    for (const [i, f] of fillers.entries()) {
      if (f.kind === 'new' || f.kind === 'ranged') constraints.push(le(product(f.dims), maxElements));
      const range = ranges[i];
      if (range) constraints.push(le(range[0], range[1]));
    }

    const hints = new Set<number>([1]);
    for (const a of available) for (const d of a.info.shape) hints.add(d);
    for (const k of constraints) collectConstants(k, hints);
    const solution = solveRandom({ domains: vars, constraints, hints: [...hints].filter((h) => h >= 0 && h <= 64).sort((a, b) => a - b) }, rng);
    if (!solution) return 'no shapes or attributes satisfy its constraints';
    const num = (e: IntExpr | number): number => {
      const x = evalInt(lift(e), (n) => solution.get(n));
      if (x === undefined) throw new Error(`an expression of ${spec.name} is left without a value`);
      return x;
    };

    // Materialize: new inputs and weights, constants, attributes, then the node.
    const newInputs: ValueInfo[] = [];
    const newWeights: Weight[] = [];
    const nodeInputs = fillers.map((f, i): string => {
      switch (f.kind) {
        case 'omitted':
          return '';
        case 'existing':
          return f.value.info.name;
        case 'constant': {
          const b = bindings.get(f.slot.constantFrom!)!;
          const values = Array.isArray(b) ? b.map((x: IntExpr | number) => (typeof x === 'number' ? x : num(x))) : [typeof b === 'number' ? b : num(b as IntExpr)];
          const t = symInputs[i]!;
          const name = fresh('const');
          newWeights.push({ name, value: makeTensor(t.dtype, t.shape.length === 0 ? [] : [values.length], values) });
          return name;
        }
        case 'ranged': {
          const shape = f.dims.map(num);
          const [lo, hi] = ranges[i]!.map(num) as [number, number];
          const name = fresh('idx');
          newWeights.push({ name, value: makeTensor(f.dtype, shape, Array.from({ length: sizeOf(shape) }, () => rng.int(lo, hi))) });
          return name;
        }
        case 'new': {
          const shape = f.dims.map(num);
          if (f.as === 'input') {
            const info = { name: fresh('in'), dtype: f.dtype, shape };
            newInputs.push(info);
            return info.name;
          }
          const name = fresh('w');
          newWeights.push({ name, value: randomTensor(rng, f.dtype, shape) });
          return name;
        }
      }
    });
    while (nodeInputs.length > 0 && nodeInputs[nodeInputs.length - 1] === '') nodeInputs.pop();
    const attrs: Record<string, AttrValue> = {};
    for (const [name, b] of bindings) {
      if (constantAttrs.has(name)) continue;
      attrs[name] = typeof b === 'string' || typeof b === 'number' ? b : Array.isArray(b) ? b.map((x: IntExpr | number) => num(x)) : num(b as IntExpr);
    }
    const known = new Map<string, ValueInfo>(available.map((a) => [a.info.name, a.info]));
    for (const i of newInputs) known.set(i.name, i);
    for (const w of newWeights) known.set(w.name, { name: w.name, dtype: w.value.dtype, shape: w.value.shape });
    const constants = new Map(newWeights.map((w) => [w.name, w.value]));
    let outTypes;
    try {
      outTypes = inferConcrete(spec, {
        inputs: nodeInputs.map((n) => (n === '' ? undefined : known.get(n))),
        attrs,
        constants: nodeInputs.map((n) => constants.get(n)),
        outputCount,
        opset,
      }).outputs;
    } catch (e) {
      // The solver's answer and the concrete check disagree: a spec bug, worth seeing in --stats.
      return `the solution failed the concrete check (${(e as Error).message})`;
    }
    const outputs = outTypes.map((t) => ({ name: fresh('v'), dtype: t.dtype, shape: t.shape }));
    nodes.push({ name: `n${nodes.length}_${spec.name}`, op: spec.name, inputs: nodeInputs, outputs, attrs });
    inputs.push(...newInputs);
    weights.push(...newWeights);
    for (const f of fillers) if (f.kind === 'existing') f.value.uses++;
    for (const i of newInputs) available.push({ info: i, uses: 1, producedByNode: false });
    for (const o of outputs) available.push({ info: o, uses: 0, producedByNode: true });
    return undefined;
  }

  /** Draws a concrete attribute, or registers solver variables (into `vars`) for a symbolic one. */
  function drawAttr(decl: AttrSpec, vars: Map<string, readonly [number, number]>): AttrBinding {
    const symbolic = (domain: readonly [number, number]) => {
      const id = fresh('a');
      vars.set(id, domain);
      return v(id);
    };
    const length = (l: number | readonly [number, number]) => (typeof l === 'number' ? l : rng.int(l[0], l[1]));
    switch (decl.kind) {
      case 'int':
        return symbolic(decl.domain);
      case 'ints':
        return Array.from({ length: length(decl.length) }, () => symbolic(decl.domain));
      case 'float':
        return Math.fround(rng.uniform(decl.range[0], decl.range[1]));
      case 'floats':
        return Array.from({ length: length(decl.length) }, () => rng.pick(decl.choices));
      case 'string':
        return rng.pick(decl.choices);
      case 'choice':
        return rng.pick(decl.choices);
      case 'perm':
        return rng.shuffle([...Array(decl.length).keys()]);
      case 'axes': {
        const n = rng.int(decl.count[0], Math.min(decl.count[1], decl.rank));
        return rng
          .shuffle([...Array(decl.rank).keys()])
          .slice(0, n)
          .map((a) => (rng.bool(0.3) ? a - decl.rank : a));
      }
    }
  }
}

/** Constants of an expression (and their small divisors): good first guesses for the solver. */
function collectConstants(e: BoolExpr | IntExpr, into: Set<number>): void {
  const k = constValue(e as IntExpr);
  if ((e as IntExpr).k === 'const' && k !== undefined) {
    into.add(k);
    for (let d = 2; d <= Math.min(k, 64); d++) if (k % d === 0) into.add(d);
    return;
  }
  for (const child of Object.values(e)) {
    if (child && typeof child === 'object') {
      if (Array.isArray(child)) for (const x of child) collectConstants(x as BoolExpr, into);
      else collectConstants(child as BoolExpr, into);
    }
  }
}

function summarize(failures: ReadonlyMap<string, number>): string {
  return [...failures.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([r, n]) => `${r} (x${n})`)
    .join('; ');
}
