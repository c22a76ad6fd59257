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

export const ORT_DEVIATIONS: readonly OrtDeviation[] = [
  {
    op: 'ReduceLogSumExp',
    dtypes: ['int32', 'int64'],
    reason:
      'on integer inputs onnxruntime accumulates each exp(x - max) in the integer type, truncating every term below 1 to 0, ' +
      'so only the elements equal to the max count (int32 [4, 3 x10] gives 4); log(sum(exp(x))) truncated is 5',
  },
  {
    op: 'Resize',
    attrs: { coordinate_transformation_mode: 'tf_crop_and_resize' },
    reason:
      'onnxruntime leaves an axis whose size does not change untouched, ignoring its roi; ONNX crops every axis to its roi ' +
      '([0 1 2 3] resized to 4 with roi [0.25, 0.75] is [1 1 2 2] nearest, onnxruntime gives [0 1 2 3])',
  },
  {
    op: 'Resize',
    dtypes: ['int32'],
    attrs: { mode: 'linear' },
    reason:
      'onnxruntime interpolates int32 in float32 and truncates, so a result that is exactly an integer can come out one below ' +
      '([-4, 5] at 1/3 is -1; onnxruntime gives 0)',
  },
  {
    op: 'Resize',
    dtypes: ['int32'],
    attrs: { mode: 'cubic' },
    reason: "onnxruntime's cubic kernel fails on int32 inputs ('Tensor type mismatch': it writes a float buffer)",
  },
  {
    op: 'Resize',
    attrs: { nearest_mode: 'floor' },
    reason:
      'onnxruntime computes x_original in float32 with the scale float32(out / in); where the exact x_original is an integer, ' +
      'it can land just below and floor picks the element before (7 -> 1 with half_pixel is exactly 3; onnxruntime gets 2.9999998)',
  },
];

export function matchingDeviation(node: Node, inputDtype: DType | undefined, deviations = ORT_DEVIATIONS): OrtDeviation | undefined {
  return deviations.find(
    (d) =>
      d.op === node.op &&
      (!d.dtypes || (inputDtype !== undefined && d.dtypes.includes(inputDtype))) &&
      Object.entries(d.attrs ?? {}).every(([k, v]) => JSON.stringify(node.attrs[k]) === JSON.stringify(v)),
  );
}
