import type { Tensor } from '../../../ir/tensor.js';
import { exact, type GradArgs, type OpGradient } from '../gradient.js';
import { unbroadcast } from '../helpers.js';
import { expandToNormalized, layerNormRows } from '../../cpu/kernels/layer-norm.js';

/**
 * The gradient through (x - mean) * invStdDev for one group of n values, where mean and invStdDev
 * are the group's own statistics. `dxHat` is the gradient with respect to the normalized values;
 * `dMean` and `dInvStdDev` are gradients that reach the statistics directly (LayerNormalization's
 * extra outputs), 0 otherwise. Writes into dx[offset ...].
 */
function normalizeBackward(args: {
  x: Float64Array;
  dxHat: Float64Array;
  mean: number;
  invStdDev: number;
  dMean: number;
  dInvStdDev: number;
  dx: Float64Array;
  offset: number;
}): void {
  const { x, dxHat, mean, invStdDev: r, dMean, dInvStdDev, dx, offset } = args;
  const n = dxHat.length;
  let sum = 0;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    const xHat = (x[offset + i]! - mean) * r;
    sum += dxHat[i]!;
    dot += dxHat[i]! * xHat;
  }
  for (let i = 0; i < n; i++) {
    const centered = x[offset + i]! - mean;
    const xHat = centered * r;
    dx[offset + i] = (r / n) * (n * dxHat[i]! - sum - xHat * dot) + dMean / n - (dInvStdDev * r * r * r * centered) / n;
  }
}

function statistics(values: Float64Array, epsilon: number): { mean: number; invStdDev: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, invStdDev: 1 / Math.sqrt(variance + epsilon) };
}

/** Inference batch normalization: an affine map per channel of x, mean, variance, scale and bias. */
const batchNorm = exact(({ inputs, attrs, dy: [dy] }: GradArgs) => {
  if (!dy) return [];
  const [x, scale, bias, mean, variance] = inputs as readonly Tensor[];
  const epsilon = attrs.float('epsilon');
  const channels = x!.shape[1]!;
  const inner = x!.shape.slice(2).reduce((a, b) => a * b, 1);
  const dx = new Float64Array(x!.data.length);
  const [dScale, dBias, dMean, dVar] = [scale!, bias!, mean!, variance!].map((t) => new Float64Array(t.data.length));
  for (let i = 0; i < dx.length; i++) {
    const ch = Math.floor(i / inner) % channels;
    const g = dy[i]!;
    const v = variance!.data[ch]! + epsilon;
    const invStdDev = 1 / Math.sqrt(v);
    const centered = x!.data[i]! - mean!.data[ch]!;
    const gamma = scale!.data[ch]!;
    dx[i] = g * gamma * invStdDev;
    dScale![ch]! += g * centered * invStdDev;
    dBias![ch]! += g;
    dMean![ch]! -= g * gamma * invStdDev;
    dVar![ch]! += g * gamma * centered * -0.5 * invStdDev * invStdDev * invStdDev;
  }
  return [dx, dScale, dBias, dMean, dVar];
});

/** Instance normalization: per (batch, channel) plane statistics, per channel scale and bias. */
const instanceNorm = exact(({ inputs, attrs, dy: [dy] }: GradArgs) => {
  if (!dy) return [];
  const [x, scale, bias] = inputs as readonly Tensor[];
  const epsilon = attrs.float('epsilon');
  const channels = x!.shape[1]!;
  const size = x!.shape.slice(2).reduce((a, b) => a * b, 1);
  const dx = new Float64Array(x!.data.length);
  const dScale = new Float64Array(scale!.data.length);
  const dBias = new Float64Array(bias!.data.length);
  const dxHat = new Float64Array(size);
  for (let plane = 0; plane * size < dx.length; plane++) {
    const offset = plane * size;
    const ch = plane % channels;
    const { mean, invStdDev } = statistics(x!.data.subarray(offset, offset + size), epsilon);
    for (let i = 0; i < size; i++) {
      const g = dy[offset + i]!;
      dxHat[i] = g * scale!.data[ch]!;
      dScale[ch]! += g * (x!.data[offset + i]! - mean) * invStdDev;
      dBias[ch]! += g;
    }
    normalizeBackward({ x: x!.data, dxHat, mean, invStdDev, dMean: 0, dInvStdDev: 0, dx, offset });
  }
  return [dx, dScale, dBias];
});

/** Layer normalization over the dims from `axis` on; its Mean and InvStdDev outputs are differentiable too. */
const layerNorm = exact(({ inputs, attrs, dy }: GradArgs) => {
  const [x, scale, bias] = inputs;
  const { epsilon, normalized, size, rows } = layerNormRows(x!, attrs);
  const gamma = expandToNormalized(scale, normalized, size, 1);
  const [dyY, dyMean, dyInv] = dy;
  const dx = new Float64Array(x!.data.length);
  const dGamma = new Float64Array(size);
  const dBeta = new Float64Array(size);
  const dxHat = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    const offset = r * size;
    const { mean, invStdDev } = statistics(x!.data.subarray(offset, offset + size), epsilon);
    for (let i = 0; i < size; i++) {
      const g = dyY ? dyY[offset + i]! : 0;
      dxHat[i] = g * gamma[i]!;
      dGamma[i]! += g * (x!.data[offset + i]! - mean) * invStdDev;
      dBeta[i]! += g;
    }
    normalizeBackward({ x: x!.data, dxHat, mean, invStdDev, dMean: dyMean?.[r] ?? 0, dInvStdDev: dyInv?.[r] ?? 0, dx, offset });
  }
  return [dx, scale ? unbroadcast(dGamma, normalized, scale.shape) : undefined, bias ? unbroadcast(dBeta, normalized, bias.shape) : undefined];
});

export const normGradients: Readonly<Record<string, OpGradient>> = {
  BatchNormalization: batchNorm,
  InstanceNormalization: instanceNorm,
  LayerNormalization: layerNorm,
};
