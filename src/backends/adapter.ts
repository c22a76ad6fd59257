import type { DType } from '../ir/dtype.js';
import type { Model, TensorMap } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { PrecisionTable } from '../oracles/precision-envelope.js';

/** What an adapter is given to compile: the IR and its ONNX serialization (made once per test). */
export interface ModelArtifact {
  readonly model: Model;
  readonly onnx: Uint8Array;
}

/** A recorded bug a model runs into: its corpus entry (corpus/NAME) and why the model runs into it. */
export interface KnownBugMatch {
  readonly corpus: string;
  readonly reason: string;
}

export interface BackendDescription {
  readonly name: string;
  /** The package (or library) under test and its version. */
  readonly package: string;
  readonly version: string;
  /** Where it runs, when that matters (ref-webgpu: the GPU adapter, or why it fell back to the CPU). */
  readonly device?: string;
}

/**
 * A system under test. `prepare` compiles (and may throw: a compile error); `run` executes (and may
 * throw: a runtime error). Outputs are returned by graph output name, in the model's dtypes.
 */
export interface BackendAdapter<Prepared = unknown> {
  readonly name: string;
  /**
   * The code base the SUT runs (default: its name). SUTs of one family share their bugs: the same
   * root cause seen at every onnxruntime optimization level, or in onnxruntime-node and -web, is one
   * bug with the list of SUTs it was seen on.
   */
  readonly family?: string;
  /**
   * Other families whose code this SUT runs too (onnxruntime's WebGPU provider runs onnxruntime's
   * graph optimizer, and its CPU kernels for the ops it lacks): on a test where a SUT of such a
   * family fails the same way, the failure is that family's bug, seen on this SUT too.
   */
  readonly sharesCodeWith?: readonly string[];
  describe(): Promise<BackendDescription>;
  /**
   * Static knowledge of what the SUT implements; an unsupported op/dtype is not a bug. `opset`, the
   * model's, when known: a SUT may lack types for an op's older versions only.
   */
  supports(op: string, dtypes: readonly DType[], opset?: number): boolean;
  prepare(artifact: ModelArtifact): Promise<Prepared>;
  run(prepared: Prepared, inputs: TensorMap): Promise<Map<string, Tensor>>;
  /** Frees what prepare allocated. */
  release?(prepared: Prepared): Promise<void>;
  /**
   * What the SUT's optimizer did to the model it prepared, as rewrite names (onnxruntime's
   * transformers): the rewrite coverage a campaign steers by. Absent: the SUT does not say.
   */
  rewritesOf?(prepared: Prepared): readonly string[];
  /**
   * A recorded, known departure of this SUT from the ONNX specification that the model runs into
   * (the reason), if any: the campaign does not report it again as a bug.
   */
  knownDeviation?(model: Model): string | undefined;
  /**
   * A recorded bug of this SUT (an entry of tensorsmith's corpus/) the model runs into, if any. Unlike
   * a known deviation the test runs: when it fails, the failure is counted as that known bug, by its
   * corpus name; when it passes, it passed.
   */
  knownBug?(model: Model): KnownBugMatch | undefined;
  /**
   * Ops this SUT computes less precisely than float32 rounding, within what its specification
   * allows (WGSL's atan: 4096 ULP), as data. A numeric difference those bounds explain, amplified
   * by what follows the ops, is not a bug (see withinDeclaredPrecision); other verdicts still are.
   */
  readonly precision?: PrecisionTable;
  /**
   * The op whose kernel this SUT runs an op with, when it is another's (tensorsmith's tfjs lowering
   * computes Trilu with tf.where): bug signatures and triggers name that one, so that one broken
   * kernel reached through several ops is one bug. Absent: every op is its own.
   */
  kernelOf?(op: string): string;
}

/**
 * What an adapter throws when it does not implement an op or dtype: a capability gap, never a bug.
 * Plain-JavaScript adapters can throw any Error whose `name` is 'UnsupportedError' instead.
 */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
}

/** The family an adapter's bugs are grouped by (its name unless it declares one). */
export function familyOf(adapter: Pick<BackendAdapter, 'name' | 'family'>): string {
  return adapter.family ?? adapter.name;
}

/** Whether every node of the model uses an op/dtype combination the adapter claims to support. */
export function unsupportedNode(adapter: BackendAdapter, model: Model): string | undefined {
  const types = new Map<string, DType>();
  for (const i of model.inputs) types.set(i.name, i.dtype);
  for (const w of model.weights) types.set(w.name, w.value.dtype);
  for (const n of model.nodes) {
    const dtypes = n.inputs.filter((x) => x !== '').map((x) => types.get(x)!);
    if (!adapter.supports(n.op, dtypes, model.opset)) return `${n.op}(${dtypes.join(', ')})`;
    for (const o of n.outputs) types.set(o.name, o.dtype);
  }
  return undefined;
}
