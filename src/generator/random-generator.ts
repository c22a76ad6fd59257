import type { DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type AttrValue, type Model, type Node, type ValueInfo, type Weight } from '../ir/model.js';
import { makeTensor } from '../ir/tensor.js';
import { makeContext, type AttrBinding } from '../opspec/context.js';
import { c, constValue, evalInt, ge, le, lift, product, v, type BoolExpr, type IntExpr } from '../opspec/expr.js';
import { inferConcrete, rankRange, slotAt } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { AttrSpec, OpSpec, SymTensor } from '../opspec/spec.js';
import type { Rng } from './rng.js';
import { solveRandom } from './solve.js';
import { randomTensor } from './values.js';

export interface GeneratorConfig {
  readonly maxNodes: number;
  /** Ops to draw from (default: every op of the registry). */
  readonly ops?: readonly string[];
  readonly excludeOps?: readonly string[];
  /** Dtypes the model's tensors may have (shape-typed int64 constants aside). Default float32. */
  readonly dtypes?: readonly DType[];
  /** Largest number of elements of any tensor. */
  readonly maxElements?: number;
  readonly maxRank?: number;
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

interface Placeholder {
  readonly dtype: DType;
  readonly dims: IntExpr[];
  readonly kind: 'input' | 'weight';
}

/** The ops a config allows, in registry order. */
export function allowedSpecs(config: GeneratorConfig, registry: OpRegistry): OpSpec[] {
  const dtypes = config.dtypes ?? ['float32'];
  for (const name of [...(config.ops ?? []), ...(config.excludeOps ?? [])]) {
    if (!registry.has(name)) throw new GenerationError(`unknown op '${name}' (see 'tensorsmith ops')`);
  }
  return registry
    .all()
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
  const specs = allowedSpecs(config, registry);
  if (specs.length === 0) throw new GenerationError('no op is allowed by --ops/--exclude-ops with the chosen dtypes');
  const inputs: ValueInfo[] = [];
  const weights: Weight[] = [];
  const nodes: Node[] = [];
  const available: Available[] = [];
  const failures = new Map<string, number>();
  const fail = (reason: string) => failures.set(reason, (failures.get(reason) ?? 0) + 1);
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${counter++}`;

  // The first input suits the first slot of some allowed op, so that `--ops Conv` can start.
  const opener = rng.pick(specs);
  const firstDtype = rng.pick(opener.dtypes.filter((d) => dtypes.includes(d)));
  const [openerLo, openerHi] = rankRange(opener.inputs[0]!, []);
  const firstRank = rng.int(Math.max(1, openerLo), Math.max(1, Math.min(openerHi, maxRank)));
  const first: ValueInfo = {
    name: fresh('in'),
    dtype: firstDtype,
    shape: Array.from({ length: firstRank }, () => rng.int(1, 8)),
  };
  inputs.push(first);
  available.push({ info: first, uses: 0, producedByNode: false });

  const maxAttempts = config.maxNodes * 25;
  for (let attempt = 0; attempt < maxAttempts && nodes.length < config.maxNodes; attempt++) {
    const spec = rng.pick(specs);
    const outcome = tryInsert(spec);
    if (typeof outcome === 'string') fail(`${spec.name}: ${outcome}`);
  }
  if (nodes.length === 0) {
    throw new GenerationError(`could not insert any node in ${maxAttempts} attempts: ${summarize(failures)}`);
  }
  const outputs = available.filter((a) => a.producedByNode && a.uses === 0).map((a) => a.info.name);
  return { model: { opset: DEFAULT_OPSET, inputs, weights, nodes, outputs }, failures };

  /** Tries to add one node of the spec; returns a failure reason or undefined on success. */
  function tryInsert(spec: OpSpec): string | undefined {
    const existingDtypes = new Set(available.map((a) => a.info.dtype));
    const tChoices = spec.dtypes.filter((d) => dtypes.includes(d) && existingDtypes.has(d));
    if (tChoices.length === 0) return 'no existing value has a dtype it accepts';
    const T = rng.pick(tChoices);
    const last = spec.inputs[spec.inputs.length - 1]!;
    const count = last.variadic ? spec.inputs.length - 1 + rng.int(last.variadic[0], last.variadic[1]) : spec.inputs.length;

    const ranks: number[] = [];
    const symInputs: (SymTensor | undefined)[] = [];
    const chosen: (Available | Placeholder | 'constant' | undefined)[] = [];
    const vars = new Map<string, readonly [number, number]>();
    let hasExisting = false;
    for (let i = 0; i < count; i++) {
      const slot = slotAt(spec, i)!;
      const dtype = slot.dtype ?? T;
      if (slot.optional && !rng.bool(slot.constantFrom ? 0.85 : 0.6)) {
        chosen.push(undefined);
        symInputs.push(undefined);
        ranks.push(0);
        continue;
      }
      const [lo, hi] = rankRange(slot, ranks);
      if (lo > maxRank) return `needs rank ${lo}, above --max-rank`;
      if (slot.constantFrom) {
        chosen.push('constant');
        symInputs.push(undefined); // filled in once the attribute's length is known
        ranks.push(1);
        continue;
      }
      const fits = available.filter((a) => a.info.dtype === dtype && a.info.shape.length >= lo && a.info.shape.length <= Math.min(hi, maxRank));
      const useExisting = fits.length > 0 && (!hasExisting || rng.bool(0.6));
      if (!hasExisting && fits.length === 0) return 'no existing value fits its first input';
      if (useExisting) {
        const pick = rng.pickWeighted(fits, fits.map((a) => (a.uses === 0 ? 4 : 1)));
        hasExisting = true;
        chosen.push(pick);
        symInputs.push({ dtype, shape: pick.info.shape.map(c) });
        ranks.push(pick.info.shape.length);
      } else {
        const rank = rng.int(lo, Math.min(hi, maxRank));
        const id = fresh('p');
        const dims = Array.from({ length: rank }, (_, d) => {
          const name = `${id}.${d}`;
          vars.set(name, DIM_DOMAIN);
          return v(name);
        });
        const placeholder: Placeholder = { dtype, dims, kind: rng.bool(0.5) ? 'weight' : 'input' };
        chosen.push(placeholder);
        symInputs.push({ dtype, shape: dims });
        ranks.push(rank);
      }
    }

    const declared = spec.attrs?.(ranks) ?? {};
    const bindings = new Map<string, AttrBinding>();
    const constantAttrs = new Set(spec.inputs.map((s) => s.constantFrom));
    for (const [name, decl] of Object.entries(declared)) {
      const isConstantInput = constantAttrs.has(name);
      if (isConstantInput && !chosen.some((x, i) => x === 'constant' && slotAt(spec, i)!.constantFrom === name)) continue;
      const omittable = !isConstantInput && (decl.default !== undefined || decl.optional === true);
      if (omittable && rng.bool(0.3)) continue;
      bindings.set(name, drawAttr(name, decl, vars));
    }
    chosen.forEach((x, i) => {
      if (x === 'constant') {
        const values = bindings.get(slotAt(spec, i)!.constantFrom!) as readonly unknown[];
        symInputs[i] = { dtype: 'int64', shape: [c(values.length)] };
      }
    });

    const ctx = makeContext({ spec, inputs: symInputs, declared, bindings });
    let constraints: BoolExpr[];
    let outShapes: readonly SymTensor[];
    try {
      constraints = [...(spec.requires?.(ctx) ?? [])];
      outShapes = spec.outputs(ctx);
    } catch (e) {
      return `spec rejected the draw (${(e as Error).message})`;
    }
    for (const out of outShapes) {
      for (const d of out.shape) constraints.push(ge(d, 1));
      constraints.push(le(product(out.shape), maxElements));
    }
    for (const x of chosen) if (x && typeof x === 'object' && 'kind' in x) constraints.push(le(product(x.dims), maxElements));

    const hints = new Set<number>([1]);
    for (const a of available) for (const d of a.info.shape) hints.add(d);
    for (const k of constraints) collectConstants(k, hints);
    const solution = solveRandom({ domains: vars, constraints, hints: [...hints].filter((h) => h >= 0 && h <= 64).sort((a, b) => a - b) }, rng);
    if (!solution) return 'no shapes or attributes satisfy its constraints';
    const env = (n: string) => solution.get(n);
    const num = (e: IntExpr) => {
      const x = evalInt(e, env);
      if (x === undefined) throw new Error(`unassigned expression in ${spec.name}`);
      return x;
    };

    // Materialize: placeholders, constant inputs, attributes, then the node.
    const nodeInputs: string[] = [];
    const newInputs: ValueInfo[] = [];
    const newWeights: Weight[] = [];
    chosen.forEach((x, i) => {
      if (x === undefined) nodeInputs.push('');
      else if (x === 'constant') {
        const values = (bindings.get(slotAt(spec, i)!.constantFrom!) as readonly (IntExpr | number)[]).map((e) => num(lift(e)));
        const name = fresh('const');
        newWeights.push({ name, value: makeTensor('int64', [values.length], values) });
        nodeInputs.push(name);
      } else if ('info' in x) nodeInputs.push(x.info.name);
      else {
        const shape = x.dims.map(num);
        if (x.kind === 'input') {
          const info = { name: fresh('in'), dtype: x.dtype, shape };
          newInputs.push(info);
          nodeInputs.push(info.name);
        } else {
          const name = fresh('w');
          newWeights.push({ name, value: randomTensor(rng, x.dtype, shape) });
          nodeInputs.push(name);
        }
      }
    });
    while (nodeInputs.length > 0 && nodeInputs[nodeInputs.length - 1] === '') nodeInputs.pop();
    const attrs: Record<string, AttrValue> = {};
    for (const [name, b] of bindings) {
      if (constantAttrs.has(name)) continue;
      attrs[name] = typeof b === 'object' ? (Array.isArray(b) ? b.map((e: IntExpr | number) => (typeof e === 'number' ? e : num(e))) : num(b as IntExpr)) : b;
    }
    const known = new Map<string, ValueInfo>([...available.map((a) => [a.info.name, a.info] as const), ...newInputs.map((i) => [i.name, i] as const)]);
    for (const w of newWeights) known.set(w.name, { name: w.name, dtype: w.value.dtype, shape: w.value.shape });
    const constants = new Map(newWeights.map((w) => [w.name, w.value]));
    let outTypes;
    try {
      outTypes = inferConcrete(spec, {
        inputs: nodeInputs.map((n) => (n === '' ? undefined : known.get(n))),
        attrs,
        constants: nodeInputs.map((n) => constants.get(n)),
      }).outputs;
    } catch (e) {
      // The solver and the concrete check disagree: a spec bug, worth seeing in --stats.
      return `solution failed the concrete check (${(e as Error).message})`;
    }
    const nodeName = `n${nodes.length}_${spec.name}`;
    const outputs = outTypes.map((t) => ({ name: fresh('v'), dtype: t.dtype, shape: t.shape }));
    nodes.push({ name: nodeName, op: spec.name, inputs: nodeInputs, outputs, attrs });
    inputs.push(...newInputs);
    weights.push(...newWeights);
    for (const x of chosen) if (x && typeof x === 'object' && 'info' in x) x.uses++;
    for (const i of newInputs) available.push({ info: i, uses: 1, producedByNode: false });
    for (const o of outputs) available.push({ info: o, uses: 0, producedByNode: true });
    return undefined;
  }

  /** Draws a concrete attribute, or registers solver variables (into `vars`) for a symbolic one. */
  function drawAttr(name: string, decl: AttrSpec, vars: Map<string, readonly [number, number]>): AttrBinding {
    switch (decl.kind) {
      case 'int': {
        const id = fresh(`a.${name}.`);
        vars.set(id, decl.domain);
        return v(id);
      }
      case 'ints': {
        const len = typeof decl.length === 'number' ? decl.length : rng.int(decl.length[0], decl.length[1]);
        return Array.from({ length: len }, () => {
          const id = fresh(`a.${name}.`);
          vars.set(id, decl.domain);
          return v(id);
        });
      }
      case 'float':
        return Math.fround(rng.uniform(decl.range[0], decl.range[1]));
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
