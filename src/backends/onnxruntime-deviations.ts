import type { DType } from '../ir/dtype.js';
import type { AttrValue, Node } from '../ir/model.js';

/**
 * Places where onnxruntime's CPU kernels knowingly depart from the ONNX specification. Data: the
 * op, the condition (dtypes and attribute values that must all match) and the reason. The per-op
 * agreement tests skip matching instances and print the deviation instead of widening a tolerance.
 */
export interface OrtDeviation {
  readonly op: string;
  /** Matches when the node's first input has one of these dtypes (any dtype when absent). */
  readonly dtypes?: readonly DType[];
  /** Matches when every listed attribute has this value. */
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  readonly reason: string;
}

export const ORT_DEVIATIONS: readonly OrtDeviation[] = [];

export function matchingDeviation(node: Node, inputDtype: DType | undefined, deviations = ORT_DEVIATIONS): OrtDeviation | undefined {
  return deviations.find(
    (d) =>
      d.op === node.op &&
      (!d.dtypes || (inputDtype !== undefined && d.dtypes.includes(inputDtype))) &&
      Object.entries(d.attrs ?? {}).every(([k, v]) => JSON.stringify(node.attrs[k]) === JSON.stringify(v)),
  );
}
