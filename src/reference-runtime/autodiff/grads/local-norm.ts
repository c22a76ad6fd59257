import { mvnGroups } from '../../../opspec/groups.js';
import { lrnDenominators, lrnWindow, MVN_EPSILON } from '../../cpu/kernels/local-norm.js';
import { exact, type OpGradient } from '../gradient.js';

/**
 * LRN: y_c = x_c d_c^-beta with d_c = bias + alpha / size * sum over c's window of x^2, so
 * dx_j = dy_j d_j^-beta - 2 beta alpha / size x_j * sum over the windows c holding j of dy_c x_c d_c^(-beta-1).
 */
const lrn = exact(({ inputs, attrs, dy: [dy] }) => {
  if (!dy) return [];
  const x = inputs[0]!;
  const [alpha, beta, bias, size] = [attrs.float('alpha'), attrs.float('beta'), attrs.float('bias'), attrs.int('size')];
  const d = lrnDenominators(x, alpha, bias, size);
  const [n, channels] = [x.shape[0]!, x.shape[1]!];
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const dx = Float64Array.from(dy, (g, i) => g * d[i]! ** -beta);
  const k = (2 * beta * alpha) / size;
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < channels; c++) {
      const [lo, hi] = lrnWindow(c, size, channels);
      for (let i = 0; i < inner; i++) {
        const at = (b * channels + c) * inner + i;
        const w = dy[at]! * x.data[at]! * d[at]! ** (-beta - 1);
        for (let j = lo; j <= hi; j++) {
          const to = (b * channels + j) * inner + i;
          dx[to] = dx[to]! - k * x.data[to]! * w;
        }
      }
    }
  }
  return [dx];
});

/**
 * MeanVarianceNormalization, y = d / s with d = x - mean, s = sigma + eps: per group of N,
 * dx_i = (g_i - mean(g)) / s - d_i (sum_j g_j d_j) / (N sigma s^2) (the second term is 0 where sigma is).
 */
const mvn = exact(({ inputs, attrs, dy: [dy] }) => {
  if (!dy) return [];
  const x = inputs[0]!;
  const dx = new Float64Array(x.data.length);
  for (const group of mvnGroups(x.shape, attrs.ints('axes'))) {
    const n = group.length;
    let mean = 0;
    let meanG = 0;
    for (const k of group) {
      mean += x.data[k]! / n;
      meanG += dy[k]! / n;
    }
    let variance = 0;
    let gd = 0;
    for (const k of group) {
      const dev = x.data[k]! - mean;
      variance += (dev * dev) / n;
      gd += dy[k]! * dev;
    }
    const sigma = Math.sqrt(variance);
    const s = sigma + MVN_EPSILON;
    for (const k of group) {
      const dev = x.data[k]! - mean;
      dx[k] = (dy[k]! - meanG) / s - (sigma > 0 ? (dev * gd) / (n * sigma * s * s) : 0);
    }
  }
  return [dx];
});

/** GlobalLpPool: d/dx_i (sum |x|^p)^(1/p) = sign(x_i) |x_i|^(p-1) / y^(p-1) (0 for a zero plane). */
const globalLpPool = exact((args) => {
  const dy = args.dy[0];
  if (!dy) return [];
  const x = args.inputs[0]!;
  const p = args.attrs.int('p');
  const y = args.outputs[0]!;
  const plane = x.shape.slice(2).reduce((a, b) => a * b, 1);
  return [
    Float64Array.from(x.data, (v, i) => {
      const q = Math.floor(i / plane);
      const norm = y.data[q]!;
      return norm === 0 ? 0 : (dy[q]! * Math.sign(v) * Math.abs(v) ** (p - 1)) / norm ** (p - 1);
    }),
  ];
});

export const localNormGradients: Readonly<Record<string, OpGradient>> = {
  LRN: lrn,
  MeanVarianceNormalization: mvn,
  GlobalLpPool: globalLpPool,
};
