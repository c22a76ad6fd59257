import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { forEachBroadcast } from '../indexing.js';
import { result, type Kernel } from '../kernel.js';

/** An index in [-size, size-1], counted from the end when negative; out of range is an error in ONNX. */
export function resolveIndex(i: number, size: number, op: string): number {
  if (!(i >= -size && i < size)) throw new RangeError(`${op}: index ${i} is out of range for an axis of size ${size}`);
  return i < 0 ? i + size : i;
}

/**
 * Where a scatter node writes, in the order ONNX applies the updates: for each update element (by
 * flat index), the flat output position it goes to. The kernels and the gradient share it.
 */
export interface ScatterWrites {
  readonly update: Int32Array;
  readonly target: Int32Array;
}

/** ScatterElements (and Scatter): update [i, j, ...] goes to the same position with the axis coordinate replaced by its index. */
export function scatterElementsWrites(op: string, data: Tensor, indices: Tensor, attrs: ConcreteAttrs): ScatterWrites {
  const axis = normalizeAxis(attrs.int('axis'), data.shape.length);
  const strides = stridesOf(data.shape);
  const walk = strides.map((s, a) => (a === axis ? 0 : s));
  const n = indices.data.length;
  const update = new Int32Array(n);
  const target = new Int32Array(n);
  forEachBroadcast(indices.shape, [walk], (i, [offset]) => {
    update[i] = i;
    target[i] = offset! + resolveIndex(indices.data[i]!, data.shape[axis]!, op) * strides[axis]!;
  });
  return { update, target };
}

/** ScatterND: tuple t addresses a slice of data.shape[k:]; its elements take updates [t, ...] in order. */
export function scatterNDWrites(data: Tensor, indices: Tensor): ScatterWrites {
  const k = indices.shape[indices.shape.length - 1]!;
  const strides = stridesOf(data.shape);
  const slice = data.shape.slice(k).reduce((a, b) => a * b, 1);
  const tuples = k === 0 ? 0 : indices.data.length / k;
  const update = new Int32Array(tuples * slice);
  const target = new Int32Array(tuples * slice);
  for (let t = 0; t < tuples; t++) {
    let base = 0;
    for (let m = 0; m < k; m++) base += resolveIndex(indices.data[t * k + m]!, data.shape[m]!, 'ScatterND') * strides[m]!;
    for (let s = 0; s < slice; s++) {
      update[t * slice + s] = t * slice + s;
      target[t * slice + s] = base + s;
    }
  }
  return { update, target };
}

/** The reduction a node applies ('none' before opset 16). */
export function reductionOf(attrs: ConcreteAttrs): string {
  return attrs.has('reduction') ? attrs.str('reduction') : 'none';
}

const REDUCE: Readonly<Record<string, (a: number, b: number) => number>> = {
  none: (_a, b) => b,
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  max: (a, b) => Math.max(a, b),
  min: (a, b) => Math.min(a, b),
};

/** The data with every write applied in order. */
export function applyWrites(data: Tensor, updates: Tensor, writes: ScatterWrites, reduction: string): Float64Array {
  const combine = REDUCE[reduction];
  if (!combine) throw new Error(`unknown scatter reduction '${reduction}'`);
  const out = Float64Array.from(data.data);
  for (let w = 0; w < writes.update.length; w++) {
    const t = writes.target[w]!;
    out[t] = combine(out[t]!, updates.data[writes.update[w]!]!);
  }
  return out;
}

export const scatterElementsKernel =
  (op: string): Kernel =>
  ({ inputs, attrs, outputs }) => {
    const [data, indices, updates] = inputs as [Tensor, Tensor, Tensor];
    const writes = scatterElementsWrites(op, data, indices, attrs);
    return [result(outputs[0]!, applyWrites(data, updates, writes, reductionOf(attrs)))];
  };

export const scatterNDKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [data, indices, updates] = inputs as [Tensor, Tensor, Tensor];
  return [result(outputs[0]!, applyWrites(data, updates, scatterNDWrites(data, indices), reductionOf(attrs)))];
};

export const scatterKernels = {
  Scatter: scatterElementsKernel('Scatter'),
  ScatterElements: scatterElementsKernel('ScatterElements'),
  ScatterND: scatterNDKernel,
};
