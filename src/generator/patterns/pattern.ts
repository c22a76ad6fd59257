import type { DType } from '../../ir/dtype.js';
import type { AttrBinding } from '../../opspec/context.js';
import type { BoolExpr, IntExpr } from '../../opspec/expr.js';
import type { SymTensor } from '../../opspec/spec.js';

/**
 * A rewrite pattern: a small subgraph that a compiler's graph transformer matches (Conv then Relu,
 * the Erf form of Gelu, the decomposed LayerNorm), written as data over the existing op specs. The
 * generator inserts it as one step; its dims and attributes go through the same solver as any node.
 */
export interface Pattern {
  /** Unique, kebab-case: `conv-relu`, `gelu-erf`, `layernorm-near-pow3`. */
  readonly name: string;
  /** One line: what the subgraph is and what should happen to it. */
  readonly summary: string;
  /** The free inputs: values of the graph the pattern reads (or fresh inputs when none fits). */
  readonly inputs: readonly PatternInput[];
  /** The nodes, in order; a step reads pattern inputs and earlier steps by name. */
  readonly steps: readonly PatternStep[];
  /**
   * The rewrites it should make each SUT family perform, named as coverage names them
   * (`onnxruntime`: the names of REWRITE_SIGNS; `tfjs`: the fused kernels). Empty for a near miss.
   */
  readonly targets: Readonly<Partial<Record<SutFamily, readonly string[]>>>;
  /**
   * Set when a target was not seen to fire on the pinned SUT version although the SUT's sources
   * say it should: why, as far as known. The pattern stays (its ops still meet the optimizer), and
   * the pattern test skips its target check.
   */
  readonly unreached?: string;
  /** For a near miss: the pattern it departs from, and how; the rewrite must not fire. */
  readonly nearMiss?: { readonly of: string; readonly why: string };
  /** Step outputs that are also graph outputs (a near miss whose inner value escapes). */
  readonly expose?: readonly string[];
  /** Opsets it is valid at (its ops' forms), inclusive. */
  readonly opsets?: readonly [number, number];
}

export type SutFamily = 'onnxruntime' | 'tfjs';

export interface PatternInput {
  readonly name: string;
  readonly rank: readonly [number, number];
}

/** A dim of a pattern value (an input or a step's first output); negative axes count from the end. */
export type DimOf = (value: string, axis: number) => IntExpr;

/** How a step fills one input slot. */
export type StepSlot =
  /** A pattern input or an earlier step's first output, by name (`step:1` for its second output). */
  | { readonly ref: string }
  /** A random constant weight: with dims from the pattern's values (undefined: free), or any shape. */
  | { readonly weight: ((dim: DimOf) => readonly (IntExpr | number | undefined)[]) | 'any' }
  /** A fresh graph input (a near miss: the rewrite needs a constant there). */
  | { readonly input: (dim: DimOf) => readonly (IntExpr | number | undefined)[] }
  /** Exact values the rewrite matches; a scalar when shape is left out. */
  | { readonly exact: readonly number[]; readonly shape?: readonly number[]; readonly dtype?: DType }
  | { readonly omit: true }
  /** Whatever a single op's insertion would choose, but present (a shape slot from its attribute). */
  | { readonly present: true }
  /** Whatever a single op's insertion would choose. */
  | { readonly random: true };

export interface PatternStep {
  readonly id: string;
  readonly op: string;
  readonly slots: readonly StepSlot[];
  /** Fixed attributes, possibly from the pattern's dims (a Slice that ends at its input's length). */
  readonly attrs?: Readonly<Record<string, AttrBinding>> | ((dim: DimOf) => Readonly<Record<string, AttrBinding>>);
  /** The op's type T (default float32; bool for Not). */
  readonly dtype?: DType;
  readonly outputCount?: number;
  /** Further conditions, on the step's outputs and the pattern's values. */
  readonly constraints?: (outputs: readonly SymTensor[], dim: DimOf) => readonly BoolExpr[];
}

// Slot builders: patterns read as `ref('x')`, `weight((d) => [d('conv', 1)])`, `exact(0.5)`.
export const ref = (name: string): StepSlot => ({ ref: name });
export const weight = (dims: ((dim: DimOf) => readonly (IntExpr | number | undefined)[]) | 'any' = 'any'): StepSlot => ({ weight: dims });
export const freshInput = (dims: (dim: DimOf) => readonly (IntExpr | number | undefined)[]): StepSlot => ({ input: dims });
export const exact = (value: number | readonly number[], shape?: readonly number[]): StepSlot =>
  typeof value === 'number' ? { exact: [value], ...(shape ? { shape } : {}) } : { exact: value, shape: shape ?? [value.length] };
/** A scalar index (int64, as exporters write Gather's indices). */
export const index = (value: number): StepSlot => ({ exact: [value], dtype: 'int64' });
export const omit: StepSlot = { omit: true };
export const random: StepSlot = { random: true };
export const present: StepSlot = { present: true };
