import type { DType } from '../ir/dtype.js';
import type { BoolExpr, IntExpr } from './expr.js';
import type { NumericFacts } from './numeric.js';

/** A tensor as a spec sees it: a dtype and one symbolic integer per dim. */
export interface SymTensor {
  readonly dtype: DType;
  readonly shape: readonly IntExpr[];
}

export type RankRule = readonly [min: number, max: number] | ((earlierRanks: readonly number[]) => number);

export interface InputSlot {
  readonly name: string;
  /** The slot's dtype: the op's type variable T unless fixed here. */
  readonly dtype?: DType;
  /** Dtypes the slot may take independently of T (e.g. Gather's indices: int32 or int64). */
  readonly dtypes?: readonly DType[];
  readonly rank: RankRule;
  readonly optional?: boolean;
  /**
   * Another optional slot, by name, given exactly when this one is not (Resize's scales and
   * sizes): the generator fills exactly one of the two. The spec's rules still state it.
   */
  readonly exclusiveWith?: string;
  /**
   * A shape-typed input (Reshape's shape, ReduceSum's axes, Resize's scales...): a constant whose
   * values are the named attribute (`ints`/`axes`/`perm` or `floats` for a 1-D slot; `int`/`choice`
   * or `float` for a rank-0 slot). The generator chooses it and stores it as a weight, never a free
   * input; spec rules read it as that attribute.
   */
  readonly constantFrom?: string;
  /**
   * Integer inputs whose element values must lie in [lo, hi] (e.g. Gather's indices within the
   * gathered dim). The generator fills such an input with in-range values and makes it a weight.
   */
  readonly valueRange?: (ctx: SpecContext) => readonly [IntExpr, IntExpr];
  /**
   * Always a new weight (an initializer), never an existing value or a graph input: a quantization
   * scale, which runtimes (and their QDQ fusions) require to be constant.
   */
  readonly weight?: boolean;
  /** The slot takes the dtype the named earlier slot was given (QLinearConv's w_zero_point: w's). */
  readonly dtypeOf?: string;
  /**
   * Draws the values of a `valueRange` input where one range for every element is not enough:
   * per-component ranges (GatherND's index tuples address dims of different sizes) or no repeats
   * (ScatterElements' indices, where ONNX leaves duplicates undefined). `ctx` is concrete, `shape`
   * the input's; `draw(lo, hi)` gives a seeded integer in [lo, hi]. The values must still lie in
   * `valueRange`, which stays the envelope an imported model is checked against.
   */
  readonly drawValues?: (ctx: SpecContext, shape: readonly number[], draw: (lo: number, hi: number) => number) => number[];
  /**
   * An index-tuple input (GatherND's, ScatterND's indices): its last dim says how many leading data
   * dims a tuple addresses, and output ranks depend on it, so the generator draws it as a number in
   * this range (given the earlier inputs' ranks) instead of leaving it to the solver.
   */
  readonly tupleLength?: (earlierRanks: readonly number[]) => readonly [number, number];
  /**
   * The rank the generator gives this input, when earlier inputs decide it beyond their ranks
   * (ScatterND's updates: from the indices' tuple length). The spec's rules still check it.
   */
  readonly generatedRank?: (earlier: readonly (SymTensor | undefined)[]) => number | undefined;
  /** The last slot may repeat (Concat, Sum...): how many inputs it takes. */
  readonly variadic?: readonly [min: number, max: number];
}

/**
 * How an attribute is chosen. `int` and `ints` are symbolic (their constraints go to the solver);
 * the other kinds are drawn concretely before solving because no shape constraint depends on them
 * beyond the ranks.
 */
export type AttrSpec = AttrChoice & {
  /** May be left out although it has no default (e.g. Conv's kernel_shape, inferred from W). */
  readonly optional?: boolean;
};

type AttrChoice =
  | { readonly kind: 'int'; readonly domain: readonly [number, number]; readonly default?: number }
  | {
      readonly kind: 'ints';
      readonly length: number | readonly [number, number];
      readonly domain: readonly [number, number];
      readonly default?: readonly number[];
    }
  | { readonly kind: 'float'; readonly range: readonly [number, number]; readonly default?: number }
  /** A list of floats, each drawn from `choices` (e.g. Resize's scales: exact binary fractions). */
  | {
      readonly kind: 'floats';
      readonly length: number | readonly [number, number];
      readonly choices: readonly number[];
      readonly default?: readonly number[];
    }
  /** A list of strings, each drawn from `choices` (the recurrent ops' activations). */
  | {
      readonly kind: 'strings';
      readonly length: number | readonly [number, number];
      readonly choices: readonly string[];
      /** Further values that are valid (imported models may use them) but are not generated. */
      readonly accept?: readonly string[];
      readonly default?: readonly string[];
    }
  | {
      readonly kind: 'string';
      /** The values the generator draws from. */
      readonly choices: readonly string[];
      /** Further values that are valid (imported models may use them) but are not generated. */
      readonly accept?: readonly string[];
      /** Values beyond `accept` that are valid, by a test (Einsum's equations), and what they are. */
      readonly acceptWhen?: { readonly test: (value: string) => boolean; readonly what: string };
      readonly default?: string;
    }
  /**
   * A one-element tensor attribute (ConstantOfShape's value), held in the IR as [ONNX data type
   * code, value]. The generator gives it the node's type T when `dtypes` has it, and a value of
   * `values` (truncated for an integer dtype, 0 or 1 for bool).
   */
  | {
      readonly kind: 'scalar-tensor';
      readonly dtypes: readonly DType[];
      readonly values: readonly number[];
      readonly default?: readonly [code: number, value: number];
    }
  /** One int drawn from a rank-dependent set, e.g. an axis in [-r, r-1]. */
  | { readonly kind: 'choice'; readonly choices: readonly number[]; readonly default?: number }
  /** A permutation of 0..length-1. */
  | { readonly kind: 'perm'; readonly length: number; readonly default?: readonly number[] }
  /** A set of distinct axes of a tensor of the given rank, written with negative axes sometimes. */
  | {
      readonly kind: 'axes';
      readonly rank: number;
      readonly count: readonly [number, number];
      readonly default?: readonly number[];
      /** Never written as negative axes (ops before opset 11 did not accept them). */
      readonly nonNegative?: boolean;
    };

export type OnnxAttrKind = 'int' | 'ints' | 'float' | 'floats' | 'string' | 'strings' | 'tensor';

/** The ONNX AttributeProto kind an attribute spec is exported as. */
export function onnxAttrKind(a: AttrSpec): OnnxAttrKind {
  switch (a.kind) {
    case 'int':
    case 'choice':
      return 'int';
    case 'ints':
    case 'perm':
    case 'axes':
      return 'ints';
    case 'float':
      return 'float';
    case 'floats':
      return 'floats';
    case 'string':
      return 'string';
    case 'strings':
      return 'strings';
    case 'scalar-tensor':
      return 'tensor';
  }
}

/** What a spec's rules read: the input tensors and the attribute values (symbolic or concrete). */
export interface SpecContext {
  /** One entry per input slot; undefined for an omitted optional input. */
  readonly inputs: readonly (SymTensor | undefined)[];
  /** The type variable T: the dtype of the first input that has no fixed dtype. */
  readonly dtype: DType;
  int(name: string): IntExpr;
  ints(name: string): readonly IntExpr[];
  float(name: string): number;
  floats(name: string): readonly number[];
  str(name: string): string;
  strs(name: string): readonly string[];
  /** Whether the attribute was given (rather than defaulted). */
  has(name: string): boolean;
  /** How many outputs the node declares (Split's parts, MaxPool's optional Indices...). */
  readonly outputCount: number;
  /** The model's opset. */
  readonly opset: number;
}

export interface OpSpec {
  /** The ONNX op type. */
  readonly name: string;
  /** The version of the op's ONNX definition this spec follows (its since_version). */
  readonly sinceVersion: number;
  /** The opset at which ONNX changed the op again: this spec covers [sinceVersion, supersededAt). */
  readonly supersededAt?: number;
  /** How many outputs a node may declare (default exactly 1); outputs() returns ctx.outputCount. */
  readonly outputCount?: readonly [min: number, max: number];
  /** The dtypes the type variable T may take. */
  readonly dtypes: readonly DType[];
  /**
   * The types the first output takes whatever T is, where the op makes a type of its own
   * (QuantizeLinear's 8-bit results): the generator leaves the op out of models where none of them
   * is allowed, as it leaves out an op none of whose T it allows.
   */
  readonly outputDtypes?: readonly DType[];
  readonly inputs: readonly InputSlot[];
  /** Declares the attributes for the given input ranks (rank-dependent lengths and choices). */
  readonly attrs?: (ranks: readonly number[]) => Readonly<Record<string, AttrSpec>>;
  /** Constraints that make the node valid. */
  readonly requires?: (ctx: SpecContext) => readonly BoolExpr[];
  /** Output dtypes and symbolic shapes. */
  readonly outputs: (ctx: SpecContext) => readonly SymTensor[];
  /**
   * Where inputs must be restricted to avoid NaN/Inf or ill-conditioned results (used to judge
   * whether a test is meaningful, and by input search). Absent: every finite input is fine.
   */
  readonly domain?: readonly DomainRule[];
  /**
   * What the op does to values: ranges, exactness, discontinuities and integer overflow (see
   * NumericFacts). Read by the generator's value bounds, the reference's trust checks, the input
   * search and the rounding probe.
   */
  readonly numeric: NumericFacts;
}

/** A restriction on the values of one input: min <= x <= max and |x| >= minAbs, as given. */
export interface DomainRule {
  readonly input: number;
  readonly min?: number;
  readonly max?: number;
  readonly minAbs?: number;
  /**
   * The rule is waived when this input holds only non-negative integers (Pow: any base to the
   * power 2 is exact, as a decomposed LayerNorm computes it).
   */
  readonly unlessWholeNumbers?: number;
}

/** The domain rules in force for a node given its input values (some are waived by others' values). */
export function rulesInForce(rules: readonly DomainRule[] | undefined, inputs: readonly ({ readonly data: ArrayLike<number> } | undefined)[]): DomainRule[] {
  return (rules ?? []).filter((rule) => {
    if (rule.unlessWholeNumbers === undefined) return true;
    const t = inputs[rule.unlessWholeNumbers];
    return t === undefined || !Array.prototype.every.call(t.data, (x: number) => Number.isInteger(x) && x >= 0);
  });
}

/** The domain rules as text, e.g. "B: |x| >= 0.001". */
export function describeDomain(spec: OpSpec): string | undefined {
  if (!spec.domain || spec.domain.length === 0) return undefined;
  return spec.domain
    .map((r) => {
      const parts: string[] = [];
      if (r.min !== undefined) parts.push(`x >= ${r.min}`);
      if (r.max !== undefined) parts.push(`x <= ${r.max}`);
      if (r.minAbs !== undefined) parts.push(`|x| >= ${r.minAbs}`);
      return `${spec.inputs[Math.min(r.input, spec.inputs.length - 1)]!.name}: ${parts.join(' and ')}`;
    })
    .join('; ');
}
