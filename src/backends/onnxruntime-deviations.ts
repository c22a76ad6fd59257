import type { DType } from '../ir/dtype.js';
import { valueTypes, type AttrValue, type Model, type Node, type ValueInfo } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { KnownBugMatch } from './adapter.js';

/** A node input's type, with its values when it is a weight (a constant a deviation may read, as Slice's steps). */
export interface DeviationInput extends ValueInfo {
  readonly value?: Tensor;
}

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
  /** Matches when every listed attribute is present, whatever its value. */
  readonly hasAttrs?: readonly string[];
  /**
   * Matches when this holds of the node and its inputs (undefined for an omitted optional input):
   * conditions the fields above cannot state, such as ranks, shapes, unequal pads or constant values.
   */
  readonly when?: (node: Node, inputs: readonly (DeviationInput | undefined)[]) => boolean;
  readonly reason: string;
  /**
   * The corpus entry (corpus/NAME) of a departure that is a bug of the SUT: a model that runs into
   * it is run, and its failure counted as that known bug (see BackendAdapter.knownBug). Absent: a
   * departure the campaign sets aside as unsupported, unrun.
   */
  readonly corpus?: string;
}

/** Whether a MaxUnpool node's output_shape input differs from the shape its attributes infer. */
function unpoolsBeyondInferred(node: Node, inputs: readonly (DeviationInput | undefined)[]): boolean {
  const [x, , given] = inputs;
  if (!x || !given) return false;
  const ints = (name: string, fallback: number) => {
    const a = node.attrs[name];
    return Array.isArray(a) ? a : new Array<number>(2 * (x.shape.length - 2)).fill(fallback);
  };
  const s = x.shape.length - 2;
  const [kernel, strides, pads] = [ints('kernel_shape', 1), ints('strides', 1), ints('pads', 0)];
  return node.outputs[0]!.shape.slice(2).some((d, i) => d !== (x.shape[i + 2]! - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + s]!);
}

export const ORT_DEVIATIONS: readonly OrtDeviation[] = [
  ...['RNN', 'GRU', 'LSTM'].map(
    (op): OrtDeviation => ({
      op,
      attrs: { layout: 1 },
      reason: `onnxruntime's CPU ${op} kernel refuses layout 1 ('Batchwise recurrent operations (layout == 1) are not supported')`,
    }),
  ),
  {
    op: 'GridSample',
    when: (_node, inputs) => inputs[0] !== undefined && inputs[1] !== undefined && inputs[0].dtype !== inputs[1].dtype,
    reason: "onnxruntime registers GridSample with one type for X and the grid ('Could not find an implementation' for a float32 X and a float64 grid)",
  },
  {
    op: 'GridSample',
    when: (_node, inputs) => inputs[0]?.shape.length === 3,
    reason: "onnxruntime's GridSample samples 2-D and 3-D grids only ('Only 4-D or 5-D tensor is supported'); GridSample-20 allows 1-D",
  },
  {
    op: 'MaxUnpool',
    when: unpoolsBeyondInferred,
    reason:
      "with an output_shape larger than the inferred shape, onnxruntime reads the indices as flat positions in output_shape; " +
      "ONNX's reference (and its conformance test, which onnxruntime skips) places them in the inferred shape and pads after it",
  },
  {
    op: 'Shrink',
    dtypes: ['float64'],
    reason:
      'onnxruntime computes a float64 Shrink in float32: x - bias is rounded to float32 ' +
      '(1.1234567890123 - 0.5613460540771484 gives 0.5621107816696167, not 0.5621107349351515)',
  },
  {
    op: 'MeanVarianceNormalization',
    // A group of one element (every normalized dim of size 1) has zero variance whatever it holds.
    when: (node, [x]) => {
      const axes = node.attrs['axes'];
      const r = x?.shape.length ?? 0;
      const normalized = Array.isArray(axes) ? axes.map((a) => (a < 0 ? a + r : a)) : [0, 2, 3];
      return x !== undefined && normalized.every((a) => (x.shape[a] ?? 1) === 1);
    },
    reason:
      "onnxruntime's kernel divides by the standard deviation without ONNX's 1e-9, so a group of zero variance gives NaN " +
      '([3] normalized over axis 0 is 0 / (0 + 1e-9) = 0 in ONNX, NaN in onnxruntime)',
  },
  {
    op: 'ConvTranspose',
    hasAttrs: ['output_shape'],
    reason:
      "onnxruntime's static shape inference (ONNX's) gives ConvTranspose with output_shape the wrong rank ({3,3} for a 1-D " +
      'output_shape [1] whose kernel returns [3,3,1]); nodes after it then fail to load or mis-plan their buffers',
  },
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
    corpus: 'onnxruntime-resize-tf-crop-and-resize-roi',
  },
  {
    op: 'Resize',
    dtypes: ['int32', 'int8', 'uint8'],
    attrs: { mode: 'linear' },
    reason:
      'onnxruntime interpolates integers (int32, int8, uint8) in float32 and truncates, so a result that is exactly an integer ' +
      'can come out one below ([-4, 5] at 1/3 is -1; onnxruntime gives 0)',
  },
  {
    op: 'Resize',
    dtypes: ['int32', 'int8', 'uint8'],
    attrs: { mode: 'cubic' },
    reason: "onnxruntime's cubic kernel fails on integer inputs, int32, int8 and uint8 ('Tensor type mismatch': it writes a float buffer)",
    corpus: 'onnxruntime-resize-cubic-int32',
  },
  {
    op: 'Resize',
    attrs: { nearest_mode: 'floor' },
    reason:
      'onnxruntime computes x_original in float32 with the scale float32(out / in); where the exact x_original is an integer, ' +
      'it can land just below and floor picks the element before (7 -> 1 with half_pixel is exactly 3; onnxruntime gets 2.9999998)',
  },
];

/** The inputs of a model's node, in its input order, as deviations see them (see DeviationInput). */
export function deviationInputs(model: Model, node: Node, types: ReadonlyMap<string, ValueInfo> = valueTypes(model)): (DeviationInput | undefined)[] {
  return node.inputs.map((name) => {
    const type = types.get(name);
    const value = model.weights.find((w) => w.name === name)?.value;
    return type && value ? { ...type, value } : type;
  });
}

/** The first of `deviations` a node matches, given its inputs (deviationInputs). */
export function matchingDeviation(node: Node, inputs: readonly (DeviationInput | undefined)[], deviations = ORT_DEVIATIONS): OrtDeviation | undefined {
  const inputDtype: DType | undefined = inputs[0]?.dtype;
  return deviations.find(
    (d) =>
      d.op === node.op &&
      (!d.dtypes || (inputDtype !== undefined && d.dtypes.includes(inputDtype))) &&
      Object.entries(d.attrs ?? {}).every(([k, v]) => JSON.stringify(node.attrs[k]) === JSON.stringify(v)) &&
      (d.hasAttrs ?? []).every((k) => k in node.attrs) &&
      (!d.when || d.when(node, inputs)),
  );
}

/** The first of `deviations` a model's nodes run into, with the node. */
function firstDeviation(model: Model, deviations: readonly OrtDeviation[]): { node: Node; deviation: OrtDeviation } | undefined {
  const types = valueTypes(model);
  for (const node of model.nodes) {
    const deviation = matchingDeviation(node, deviationInputs(model, node, types), deviations);
    if (deviation) return { node, deviation };
  }
  return undefined;
}

/** A deviation a node runs into, as the sentence a verdict or a known bug gives. */
function sentence({ node, deviation }: { node: Node; deviation: OrtDeviation }): string {
  return `${node.op} (${node.name}): ${deviation.reason}`;
}

/** The first recorded deviation (of `deviations`, those without a corpus entry) a model's nodes run into, as a sentence. */
export function ortKnownDeviation(model: Model, deviations: readonly OrtDeviation[] = ORT_DEVIATIONS): string | undefined {
  const found = firstDeviation(model, deviations.filter((d) => d.corpus === undefined));
  return found && sentence(found);
}

/** The first recorded bug (a deviation of `deviations` with a corpus entry) a model's nodes run into. */
export function ortKnownBug(model: Model, deviations: readonly OrtDeviation[] = ORT_DEVIATIONS): KnownBugMatch | undefined {
  const found = firstDeviation(model, deviations.filter((d) => d.corpus !== undefined));
  return found && { corpus: found.deviation.corpus!, reason: sentence(found) };
}
