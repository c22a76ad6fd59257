import type { DType } from '../ir/dtype.js';
import { valueTypes, type Model, type Node } from '../ir/model.js';
import { c, lift, type IntExpr } from './expr.js';
import type { OpRegistry } from './registry.js';
import type { AttrSpec, OpSpec, SpecContext, SymTensor } from './spec.js';

/** An attribute's value as a spec reads it: symbolic ints stay expressions, the rest are concrete. */
export type AttrBinding = IntExpr | readonly (IntExpr | number)[] | readonly string[] | number | string;


/** Builds the context a spec's rules read, over symbolic or concrete bindings. */
export function makeContext(args: {
  spec: OpSpec;
  inputs: readonly (SymTensor | undefined)[];
  declared: Readonly<Record<string, AttrSpec>>;
  bindings: ReadonlyMap<string, AttrBinding>;
  outputCount: number;
  opset: number;
}): SpecContext {
  const { spec, inputs, declared, bindings, outputCount, opset } = args;
  const where = `${spec.name}`;
  const lookup = (name: string): AttrBinding => {
    const bound = bindings.get(name);
    if (bound !== undefined) return bound;
    const decl = declared[name];
    if (!decl) throw new Error(`${where}: the spec reads attribute '${name}' but does not declare it`);
    if (decl.default === undefined) throw new Error(`${where}: attribute '${name}' is required`);
    return decl.default as AttrBinding;
  };
  return {
    inputs,
    outputCount,
    opset,
    dtype: typeVariable(spec, inputs),
    has: (name) => bindings.has(name),
    int(name) {
      const b = lookup(name);
      if (typeof b === 'number') return c(b);
      if (typeof b === 'object' && !Array.isArray(b)) return b as IntExpr;
      throw new Error(`${where}: attribute '${name}' is not an int`);
    },
    ints(name) {
      const b = lookup(name);
      if (!Array.isArray(b) || b.some((x) => typeof x === 'string')) throw new Error(`${where}: attribute '${name}' is not a list of ints`);
      return (b as readonly (IntExpr | number)[]).map(lift);
    },
    float(name) {
      const b = lookup(name);
      if (typeof b !== 'number') throw new Error(`${where}: attribute '${name}' is not a float`);
      return b;
    },
    floats(name) {
      const b = lookup(name);
      if (!Array.isArray(b) || !b.every((x) => typeof x === 'number')) throw new Error(`${where}: attribute '${name}' is not a list of floats`);
      return b as readonly number[];
    },
    str(name) {
      const b = lookup(name);
      if (typeof b !== 'string') throw new Error(`${where}: attribute '${name}' is not a string`);
      return b;
    },
    strs(name) {
      const b = lookup(name);
      if (!Array.isArray(b) || !b.every((x) => typeof x === 'string')) throw new Error(`${where}: attribute '${name}' is not a list of strings`);
      return b as readonly string[];
    },
  };
}

/** T: the dtype of the first present input whose slot has no fixed dtype. */
export function typeVariable(spec: OpSpec, inputs: readonly (SymTensor | { dtype: DType } | undefined)[]): DType {
  for (let i = 0; i < inputs.length; i++) {
    const slot = spec.inputs[Math.min(i, spec.inputs.length - 1)]!;
    const x = inputs[i];
    if (x && slot.dtype === undefined && slot.dtypes === undefined) return x.dtype;
  }
  return spec.dtypes[0]!;
}

/** One op with the dtype of its type variable T: what capability probes and culprit probes are about. */
export interface OpDtype {
  readonly op: string;
  readonly dtype: DType;
}

/** The distinct op/T-dtype pairs of a model's nodes (of `nodes` when given), in model order. */
export function opDtypePairs(model: Model, registry: OpRegistry, nodes: readonly Node[] = model.nodes): OpDtype[] {
  const types = valueTypes(model);
  const seen = new Map<string, OpDtype>();
  for (const node of nodes) {
    const spec = registry.find(node.op, model.opset);
    if (!spec) continue;
    const dtype = typeVariable(spec, node.inputs.map((n) => (n === '' ? undefined : types.get(n))));
    seen.set(`${node.op}/${dtype}`, { op: node.op, dtype });
  }
  return [...seen.values()];
}
