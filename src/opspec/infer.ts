import { dtypeFromOnnx, type DType } from '../ir/dtype.js';
import type { Attrs, AttrValue, Node } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { makeContext, typeVariable, type AttrBinding } from './context.js';
import { c, constValue, evalBool, showBool } from './expr.js';
import type { AttrSpec, InputSlot, OpSpec } from './spec.js';

export interface ConcreteType {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A node breaks its op's spec. The message states the rule. */
export class SpecViolation extends Error {
  override readonly name = 'SpecViolation';
}

/** The slot an input position belongs to (the last slot repeats when variadic). */
export function slotAt(spec: OpSpec, index: number): InputSlot | undefined {
  if (index < spec.inputs.length) return spec.inputs[index];
  const last = spec.inputs[spec.inputs.length - 1];
  return last?.variadic ? last : undefined;
}

export function rankRange(slot: InputSlot, earlier: readonly number[]): readonly [number, number] {
  if (typeof slot.rank === 'function') {
    const r = slot.rank(earlier);
    return [r, r];
  }
  return slot.rank;
}

/**
 * inferConcrete for a node of a model: `inputs` are its input types in order (undefined for an
 * omitted one), `constants` the model's weights by name (shape-typed inputs read them).
 */
export function inferNode(
  spec: OpSpec,
  node: Node,
  inputs: readonly (ConcreteType | undefined)[],
  constants: ReadonlyMap<string, Tensor>,
  opset: number,
): { outputs: ConcreteType[]; attrs: ConcreteAttrs } {
  return inferConcrete(spec, {
    inputs,
    attrs: node.attrs,
    constants: node.inputs.map((n) => constants.get(n)),
    outputCount: node.outputs.length,
    opset,
  });
}

/**
 * Checks a concrete node against its spec and returns its output types. `constants` holds the value of
 * each input that is a constant (a weight), needed for shape-typed inputs such as Reshape's shape.
 */
export function inferConcrete(
  spec: OpSpec,
  node: {
    inputs: readonly (ConcreteType | undefined)[];
    attrs: Attrs;
    constants: readonly (Tensor | undefined)[];
    /** How many outputs the node declares (default 1). */
    outputCount?: number;
    opset: number;
  },
): { outputs: ConcreteType[]; attrs: ConcreteAttrs } {
  const { inputs, attrs, constants } = node;
  const outputCount = node.outputCount ?? 1;
  const [minOut, maxOut] = spec.outputCount ?? [1, 1];
  if (outputCount < minOut || outputCount > maxOut) {
    throw new SpecViolation(`declares ${outputCount} outputs; the op has ${minOut === maxOut ? minOut : `${minOut} to ${maxOut}`}`);
  }
  const last = spec.inputs[spec.inputs.length - 1];
  const maxInputs = last?.variadic ? Infinity : spec.inputs.length;
  if (inputs.length > maxInputs) throw new SpecViolation(`takes at most ${spec.inputs.length} inputs, got ${inputs.length}`);
  const ranks: number[] = [];
  const bindings = new Map<string, AttrBinding>();
  const T = typeVariable(spec, inputs);
  if (!spec.dtypes.includes(T)) throw new SpecViolation(`does not accept dtype ${T} (accepts ${spec.dtypes.join(', ')})`);
  const slotCount = Math.max(inputs.length, spec.inputs.length);
  for (let i = 0; i < slotCount; i++) {
    const slot = slotAt(spec, i)!;
    const x = inputs[i];
    if (!x) {
      if (!slot.optional && i < spec.inputs.length) throw new SpecViolation(`input ${i} ('${slot.name}') is required`);
      ranks.push(0);
      continue;
    }
    const allowed = slot.dtypes ?? [slot.dtype ?? T];
    if (!allowed.includes(x.dtype)) throw new SpecViolation(`input ${i} ('${slot.name}') must be ${allowed.join(' or ')}, got ${x.dtype}`);
    const [lo, hi] = rankRange(slot, ranks);
    if (x.shape.length < lo || x.shape.length > hi) {
      throw new SpecViolation(`input ${i} ('${slot.name}') must have rank in [${lo}, ${hi}], got ${x.shape.length}`);
    }
    ranks.push(x.shape.length);
    if (slot.constantFrom) {
      const value = constants[i];
      if (!value) throw new SpecViolation(`input ${i} ('${slot.name}') must be a constant (an initializer)`);
      // A rank-0 constant binds a single number (CumSum's axis), a 1-D one a list.
      bindings.set(slot.constantFrom, x.shape.length === 0 ? value.data[0]! : Array.from(value.data));
    }
  }
  if (last?.variadic && inputs.length - (spec.inputs.length - 1) < last.variadic[0]) {
    throw new SpecViolation(`needs at least ${last.variadic[0]} '${last.name}' inputs`);
  }
  const declared = spec.attrs?.(ranks) ?? {};
  const constantAttrs = new Set(spec.inputs.map((s) => s.constantFrom).filter((n): n is string => n !== undefined));
  for (const [name, value] of Object.entries(attrs)) {
    const decl = declared[name];
    if (!decl || constantAttrs.has(name)) throw new SpecViolation(`attribute '${name}' is not supported`);
    checkAttrKind(name, decl, value);
    bindings.set(name, value as AttrBinding);
  }
  const ctx = makeContext({
    spec,
    inputs: inputs.map((x) => (x ? { dtype: x.dtype, shape: x.shape.map(c) } : undefined)),
    declared,
    bindings,
    outputCount,
    opset: node.opset,
  });
  let outs;
  try {
    for (const r of spec.requires?.(ctx) ?? []) {
      if (evalBool(r, () => undefined) !== true) throw new SpecViolation(`breaks the rule: ${r.label ?? showBool(r)}`);
    }
    // After the rules, so that a rule's own message (an axis range...) wins over the bare choice list.
    checkAttrChoices(spec, declared, attrs);
    outs = spec.outputs(ctx);
    if (outs.length !== outputCount) throw new SpecViolation(`gives ${outs.length} outputs for ${outputCount} declared`);
    checkValueRanges(spec, ctx, constants);
  } catch (e) {
    if (e instanceof SpecViolation) throw e;
    throw new SpecViolation((e as Error).message);
  }
  const outputs = outs.map((o, i) => {
    const shape = o.shape.map((d) => {
      const v = constValue(d);
      if (v === undefined) throw new SpecViolation(`output ${i} has a dim that is not a number`);
      if (v < 0) throw new SpecViolation(`output ${i} would have a negative dim (${v})`);
      return v;
    });
    return { dtype: o.dtype, shape };
  });
  const concreteAttrs: ConcreteAttrs = {
    opset: node.opset,
    sinceVersion: spec.sinceVersion,
    has: ctx.has,
    int: (name) => constValue(ctx.int(name))!,
    ints: (name) => ctx.ints(name).map((x) => constValue(x)!),
    // ONNX float attributes are float32 (AttributeProto.f): a SUT reads epsilon 1e-5 as 9.99999975e-6.
    float: (name) => Math.fround(ctx.float(name)),
    // A tensor attribute ([code, value]) keeps its value as its own dtype holds it (a float64 0.1).
    floats: (name) => (declared[name]?.kind === 'scalar-tensor' ? [...ctx.floats(name)] : ctx.floats(name).map((x) => Math.fround(x))),
    str: ctx.str,
    strs: ctx.strs,
  };
  return { outputs, attrs: concreteAttrs };
}

/**
 * Constant inputs whose values the spec bounds (Gather's indices within the gathered dim) must lie
 * in their range: a model that breaks it is invalid (ONNX: "It is an error if any of the index
 * values are out of bounds"), whoever made it (an edit of the reducer, say).
 */
function checkValueRanges(spec: OpSpec, ctx: ReturnType<typeof makeContext>, constants: readonly (Tensor | undefined)[]): void {
  constants.forEach((value, i) => {
    const slot = slotAt(spec, i);
    if (!value || !slot?.valueRange) return;
    const [loExpr, hiExpr] = slot.valueRange(ctx);
    const lo = constValue(loExpr);
    const hi = constValue(hiExpr);
    if (lo === undefined || hi === undefined) return;
    const bad = value.data.find((x) => x < lo || x > hi);
    if (bad !== undefined) throw new SpecViolation(`input ${i} ('${slot.name}') holds ${bad}, outside [${lo}, ${hi}]`);
  });
}

/** Attribute values with the spec's defaults applied and shape-typed inputs bound: what kernels read. */
export interface ConcreteAttrs {
  /** The model's opset: where ONNX changed what an attribute means (Softmax's axis before 13), kernels read it. */
  readonly opset: number;
  /**
   * The since_version of the op's definition in force, for a kernel whose semantics changed
   * between versions (Hardmax's 2-D coercion before 13). Absent: the latest.
   */
  readonly sinceVersion?: number;
  has(name: string): boolean;
  int(name: string): number;
  ints(name: string): number[];
  float(name: string): number;
  floats(name: string): readonly number[];
  str(name: string): string;
  strs(name: string): readonly string[];
}

function attrMatches(decl: AttrSpec, value: AttrValue): boolean {
  const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x);
  switch (decl.kind) {
    case 'int':
      return isInt(value);
    case 'choice':
      return isInt(value);
    case 'float':
      return typeof value === 'number';
    case 'floats':
      return Array.isArray(value) && value.every((x) => typeof x === 'number');
    case 'string':
      return typeof value === 'string' && (decl.choices.includes(value) || (decl.accept ?? []).includes(value) || decl.acceptWhen?.test(value) === true);
    case 'strings':
      return Array.isArray(value) && value.every((x) => typeof x === 'string' && (decl.choices.includes(x) || (decl.accept ?? []).includes(x)));
    case 'ints':
    case 'perm':
    case 'axes':
      return Array.isArray(value) && value.every(isInt);
    case 'scalar-tensor':
      return Array.isArray(value) && value.length === 2 && isInt(value[0]) && typeof value[1] === 'number' && dtypeFromOnnx(value[0] as number) !== undefined;
  }
}

/**
 * `choice` attributes whose choices are only what the generator draws, not every value ONNX accepts
 * and the kernels handle: Shape's start and end are clamped to [0, r] whatever they are; Reshape's
 * allowzero, Resize's exclude_outside and antialias may be 1; LpPool's and GlobalLpPool's p may be any order; LRN's size
 * may be even and EyeLike's dtype bool (onnxruntime runs neither); Cast's
 * saturate only matters for float8 types. Every other `choice` lists all the values its op accepts (a flag's 0/1, an
 * axis in [-r, r-1]...), so a value outside it is an invalid model, not a SUT bug.
 */
const OPEN_CHOICES: Readonly<Record<string, readonly string[]>> = {
  Shape: ['start', 'end'],
  Reshape: ['allowzero'],
  Resize: ['exclude_outside', 'antialias'],
  LpPool: ['p'],
  GlobalLpPool: ['p'],
  LRN: ['size'],
  EyeLike: ['dtype'],
  Cast: ['saturate'],
};

function checkAttrChoices(spec: OpSpec, declared: Readonly<Record<string, AttrSpec>>, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    const decl = declared[name];
    if (decl?.kind !== 'choice' || typeof value !== 'number' || OPEN_CHOICES[spec.name]?.includes(name)) continue;
    if (!decl.choices.includes(value)) {
      throw new SpecViolation(`attribute '${name}' must be one of ${decl.choices.join(', ')}, got ${value}`);
    }
  }
}

function checkAttrKind(name: string, decl: AttrSpec, value: AttrValue): void {
  if (attrMatches(decl, value)) return;
  const what =
    decl.kind === 'string' ? `one of ${[...decl.choices, ...(decl.accept ?? [])].join(', ')}${decl.acceptWhen ? ` or ${decl.acceptWhen.what}` : ''}` : `of kind ${decl.kind}`;
  throw new SpecViolation(`attribute '${name}' must be ${what}, got ${JSON.stringify(value)}`);
}
