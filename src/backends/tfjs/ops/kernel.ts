import type * as tfjs from '@tensorflow/tfjs';
import type { DType } from '../../../ir/dtype.js';
import type { Node, ValueInfo } from '../../../ir/model.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';

/** The tfjs namespace (loaded lazily by the adapter; only its type is imported here). */
export type TF = typeof tfjs;
export type TFTensor = tfjs.Tensor;

export interface TfjsNodeContext {
  readonly tf: TF;
  /** The node's inputs as tfjs tensors (undefined for an omitted optional input). */
  readonly inputs: readonly (TFTensor | undefined)[];
  readonly inputInfos: readonly (ValueInfo | undefined)[];
  readonly attrs: ConcreteAttrs;
  readonly node: Node;
}

/**
 * One ONNX op mapped to tfjs. `dtypes` lists the values of the op's type variable T that the mapping
 * handles; `unsupported` names attribute combinations tfjs cannot express (data, not a bug).
 */
export interface TfjsOp {
  readonly dtypes: readonly DType[];
  readonly unsupported?: (attrs: ConcreteAttrs, inputs: readonly (ValueInfo | undefined)[], node: Node) => string | undefined;
  readonly run: (ctx: TfjsNodeContext) => TFTensor[];
}

export type TfjsOpTable = Readonly<Record<string, TfjsOp>>;

export const F32: readonly DType[] = ['float32'];
export const F32_I32: readonly DType[] = ['float32', 'int32'];
export const F32_I32_BOOL: readonly DType[] = ['float32', 'int32', 'bool'];

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Broadcasts every tensor to one shape (the output shape). */
export function broadcastAll(tf: TF, shape: readonly number[], xs: readonly TFTensor[]): TFTensor[] {
  return xs.map((x) => (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : tf.broadcastTo(x, [...shape])));
}

/** Truncation toward zero of a float tensor. */
export function trunc(tf: TF, x: TFTensor): TFTensor {
  return tf.mul(tf.sign(x), tf.floor(tf.abs(x)));
}
