import { mvnGroups } from '../../../opspec/groups.js';
import { result, type Kernel } from '../kernel.js';

/** LRN's window around channel c: from c - floor((size - 1) / 2) to c + ceil((size - 1) / 2), clipped to the channels. */
export function lrnWindow(c: number, size: number, channels: number): readonly [number, number] {
  return [Math.max(0, c - Math.floor((size - 1) / 2)), Math.min(channels - 1, c + Math.ceil((size - 1) / 2))];
}

/** LRN's denominator base for each element: bias + alpha / size * (sum of squares over its window). */
export function lrnDenominators(x: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }, alpha: number, bias: number, size: number): Float64Array {
  const [n, channels] = [x.shape[0]!, x.shape[1]!];
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < channels; c++) {
      const [lo, hi] = lrnWindow(c, size, channels);
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let k = lo; k <= hi; k++) sum += x.data[(b * channels + k) * inner + i]! ** 2;
        out[(b * channels + c) * inner + i] = bias + (alpha / size) * sum;
      }
    }
  }
  return out;
}

/** LRN: x / d^beta with d from lrnDenominators. */
export const lrnKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const d = lrnDenominators(x, attrs.float('alpha'), attrs.float('bias'), attrs.int('size'));
  const beta = attrs.float('beta');
  return [result(outputs[0]!, Float64Array.from(x.data, (v, i) => v / d[i]! ** beta))];
};

/** MeanVarianceNormalization's epsilon, added to the standard deviation (ONNX's function body). */
export const MVN_EPSILON = 1e-9;

/** MeanVarianceNormalization: (x - mean) / (sqrt(variance) + 1e-9) per group, the variance taken two-pass. */
export const mvnKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const data = new Float64Array(x.data.length);
  for (const group of mvnGroups(x.shape, attrs.ints('axes'))) {
    let sum = 0;
    for (const k of group) sum += x.data[k]!;
    const mean = sum / group.length;
    let variance = 0;
    for (const k of group) variance += (x.data[k]! - mean) ** 2;
    const std = Math.sqrt(variance / group.length);
    for (const k of group) data[k] = (x.data[k]! - mean) / (std + MVN_EPSILON);
  }
  return [result(outputs[0]!, data)];
};

/** GlobalLpPool: (sum of |x|^p over each (batch, channel) plane)^(1/p). */
export const globalLpPoolKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const p = attrs.int('p');
  const plane = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const planes = x.data.length / Math.max(1, plane);
  const data = new Float64Array(planes);
  for (let q = 0; q < planes; q++) {
    let sum = 0;
    for (let i = 0; i < plane; i++) sum += Math.abs(x.data[q * plane + i]!) ** p;
    data[q] = sum ** (1 / p);
  }
  return [result(outputs[0]!, data)];
};
