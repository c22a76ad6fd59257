import type { DType } from '../../ir/dtype.js';
import type { AttrBinding } from '../../opspec/context.js';
import type { OpRegistry } from '../../opspec/registry.js';
import { drawRank, type GraphBuilder, type SlotFill, type SymValue } from '../graph-builder.js';
import type { Rng } from '../rng.js';
import type { OpSpec } from '../../opspec/spec.js';
import type { DimOf, Pattern, PatternStep, StepSlot } from './pattern.js';

/**
 * Patterns read and produce float32: the fusions they target are float-only in the SUTs (a QDQ
 * unit's inner steps are 8-bit, as their steps say).
 */
const PATTERN_DTYPE: DType = 'float32';

export interface PatternInsertion {
  /** Nodes added (a pattern cut short by a step that did not fit keeps its earlier nodes). */
  readonly nodes: number;
  readonly complete: boolean;
  /** Why the step that did not fit failed. */
  readonly failure?: string;
  /** The graph value of the pattern's last step, when complete. */
  readonly output?: string;
}

/** Whether a pattern can be built at an opset from a registry with the given dtypes allowed. */
export function patternFits(pattern: Pattern, registry: OpRegistry, opset: number, dtypes: readonly DType[]): boolean {
  if (!dtypes.includes(PATTERN_DTYPE)) return false;
  if (pattern.opsets && (opset < pattern.opsets[0] || opset > pattern.opsets[1])) return false;
  // A step of an integer type (a DequantizeLinear of uint8) needs that type allowed too.
  const allowed = (d: DType) => d === PATTERN_DTYPE || d === 'bool' || dtypes.includes(d);
  return pattern.steps.every((s) => {
    const spec = registry.find(s.op, opset);
    return spec !== undefined && allowed(s.dtype ?? PATTERN_DTYPE) && spec.dtypes.includes(s.dtype ?? PATTERN_DTYPE) && stepFitsVersion(s, spec);
  });
}

/**
 * Whether the op's version in force takes the step's inputs and fixed attributes: older versions
 * take fewer inputs (Clip-6's bounds and Pad-2's pads are attributes) and fewer attributes
 * (MaxPool-8 has no dilations).
 */
function stepFitsVersion(step: PatternStep, spec: OpSpec): boolean {
  const variadic = spec.inputs[spec.inputs.length - 1]?.variadic !== undefined;
  if (!variadic && step.slots.length > spec.inputs.length) return false;
  if (typeof step.attrs !== 'object') return true;
  const declared = spec.attrs?.(spec.inputs.map(() => 4)) ?? {};
  return Object.keys(step.attrs).every((name) => name in declared);
}

/**
 * Inserts a pattern step by step. Forward, its free inputs are existing values of a rank it takes
 * (`prefer` first, to chain patterns; fresh graph inputs when none fits); backward, they are fresh
 * inputs and its last step produces an existing graph input. A step that does not fit ends the
 * insertion: the steps before it stay, as single ops would.
 */
export async function insertPattern(args: {
  builder: GraphBuilder;
  pattern: Pattern;
  registry: OpRegistry;
  rng: Rng;
  backward: boolean;
  prefer?: string;
}): Promise<PatternInsertion> {
  const { builder, pattern, registry, rng } = args;
  const opset = builder.limits.opset;
  const bound = new Map<string, string>();
  const added: string[] = [];
  const existedBefore = new Set(builder.values.map((x) => x.name));
  for (const input of pattern.inputs) {
    const existing = args.backward ? undefined : pickValue(builder, input.rank, rng, args.prefer);
    if (existing) {
      bound.set(input.name, existing.name);
      continue;
    }
    const [lo, hi] = input.rank;
    const fresh = builder.addInput(PATTERN_DTYPE, drawRank(rng, lo, Math.max(lo, Math.min(hi, builder.limits.maxRank))));
    bound.set(input.name, fresh.name);
    added.push(fresh.name);
  }
  const dimOf: DimOf = (name, axis) => {
    const value = builder.value(resolve(name));
    const k = axis < 0 ? value.dims.length + axis : axis;
    const d = value.dims[k];
    if (d === undefined) throw new PatternMismatch(`${name} has no axis ${axis}`);
    return d;
  };
  function resolve(name: string): string {
    const value = bound.get(name);
    if (value === undefined) throw new Error(`pattern ${pattern.name} reads '${name}' before any step makes it`);
    return value;
  }

  let nodes = 0;
  const giveUp = (failure: string): PatternInsertion => {
    for (const name of added) builder.dropUnusedInput(name);
    return { nodes, complete: false, failure };
  };
  for (const [i, step] of pattern.steps.entries()) {
    const spec = registry.find(step.op, opset);
    if (!spec) return giveUp(`${step.op} does not exist at opset ${opset}`);
    const last = i === pattern.steps.length - 1;
    let target: SymValue | undefined;
    if (last && args.backward) {
      // Not an input the pattern reads (a cycle); preferably of the rank the step's input has
      // (most last steps are elementwise).
      const before = i > 0 ? bound.get(pattern.steps[i - 1]!.id) : bound.get(pattern.inputs[0]!.name);
      const made = new Set(builder.values.filter((x) => !existedBefore.has(x.name)).map((x) => x.name));
      target = builder.pickBackwardTarget(spec, { exclude: made, ...(before ? { rank: builder.value(before).dims.length } : {}) });
      if (!target || target.dtype !== PATTERN_DTYPE) return giveUp('no float32 graph input its output could be');
    }
    let slots: (SlotFill | undefined)[];
    let attrs: Readonly<Record<string, AttrBinding>> | undefined;
    try {
      slots = step.slots.map((slot) => slotFill(slot, resolve, dimOf));
      attrs = typeof step.attrs === 'function' ? step.attrs(dimOf) : step.attrs;
    } catch (e) {
      if (e instanceof PatternMismatch) return giveUp(e.message);
      throw e;
    }
    const result = await builder.insert({
      spec,
      slots,
      dtype: step.dtype ?? PATTERN_DTYPE,
      ...(attrs ? { attrs } : {}),
      ...(step.outputCount !== undefined ? { outputCount: step.outputCount } : {}),
      ...(target ? { target } : {}),
      ...(step.constraints ? { constraints: (outs) => step.constraints!(outs, dimOf) } : {}),
    });
    if (!result.ok) return giveUp(`${step.id} (${step.op}): ${result.reason}`);
    nodes++;
    result.outputs.forEach((name, k) => bound.set(k === 0 ? step.id : `${step.id}:${k}`, name));
  }
  for (const name of pattern.expose ?? []) builder.expose(resolve(name));
  return { nodes, complete: true, output: resolve(pattern.steps[pattern.steps.length - 1]!.id) };
}

/** A dim a pattern refers to does not exist (an input of another rank): the pattern does not fit. */
class PatternMismatch extends Error {}

function slotFill(slot: StepSlot, resolve: (name: string) => string, dim: DimOf): SlotFill | undefined {
  if ('ref' in slot) return { kind: 'value', name: resolve(slot.ref) };
  if ('weight' in slot) return slot.weight === 'any' ? { kind: 'new', as: 'weight' } : { kind: 'new', as: 'weight', dims: slot.weight(dim) };
  if ('input' in slot) return { kind: 'new', as: 'input', dims: slot.input(dim) };
  if ('exact' in slot) return { kind: 'exact', values: slot.exact, shape: slot.shape ?? [], ...(slot.dtype ? { dtype: slot.dtype } : {}) };
  if ('omit' in slot) return { kind: 'omit' };
  if ('present' in slot) return { kind: 'present' };
  return undefined;
}

/** An existing float32 value of a rank in range: `prefer` when it fits, else unread values first. */
function pickValue(builder: GraphBuilder, rank: readonly [number, number], rng: Rng, prefer: string | undefined): SymValue | undefined {
  const fits = builder.values.filter((x) => x.dtype === PATTERN_DTYPE && x.origin !== 'weight' && x.dims.length >= rank[0] && x.dims.length <= rank[1]);
  if (fits.length === 0) return undefined;
  const preferred = fits.find((x) => x.name === prefer);
  if (preferred && rng.bool(0.8)) return preferred;
  return rng.pickWeighted(fits, fits.map((x) => (x.uses === 0 ? 4 : 1)));
}
