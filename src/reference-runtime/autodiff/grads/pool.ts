import type { Tensor } from '../../../ir/tensor.js';
import { averageDivisor, firstMaxOffset, poolWindows, type PoolWindows } from '../../cpu/kernels/pool.js';
import { exact, type GradArgs, type GradRule, type OpGradient } from '../gradient.js';

/**
 * A windowed pool's gradient: per (batch, channel) plane and output position, `spread` adds that
 * output's gradient into the input gradient over the same window the forward kernel read.
 */
type Spread = (dx: Float64Array, base: number, window: Int32Array, padded: number, g: number, outAt: number) => void;

function windowedGrad(makeSpread: (args: GradArgs, x: Tensor) => Spread): GradRule {
  return (args) => {
    const dy = args.dy[0];
    if (!dy) return [];
    const x = args.inputs[0]!;
    const w: PoolWindows = poolWindows(x, args.outputs[0]!.shape.slice(2), args.attrs);
    const spread = makeSpread(args, x);
    const dx = new Float64Array(x.data.length);
    const planes = x.shape[0]! * x.shape[1]!;
    for (let plane = 0; plane < planes; plane++) {
      for (let o = 0; o < w.outSpatial; o++) {
        const outAt = plane * w.outSpatial + o;
        spread(dx, plane * w.inSpatial, w.inside[o]!, w.padded[o]!, dy[outAt]!, outAt);
      }
    }
    return [dx];
  };
}

/** Each input element in the window gets an equal share: the gradient over the forward's divisor. */
const averagePoolGrad = windowedGrad((args) => {
  const divisor = averageDivisor(args.attrs);
  return (dx, base, window, padded, g) => {
    const share = g / divisor(window, padded);
    for (const off of window) dx[base + off]! += share;
  };
});

/** Only the element the forward picked moves the output; Indices (output 1) is int64 and gets none. */
const maxPoolGrad = windowedGrad((_args, x) => (dx, base, window, _padded, g) => {
  if (window.length > 0) dx[base + firstMaxOffset(x.data, base, window)]! += g;
});

/**
 * y = (sum |x_i|^p)^(1/p) gives dy/dx_i = sign(x_i) * (|x_i| / y)^(p - 1). Where y = 0 (an
 * all-zero window) the derivative does not exist for p > 1; 0 there, as for p = 1 at x_i = 0.
 */
const lpPoolGrad = windowedGrad((args, x) => {
  const p = args.attrs.int('p');
  const y = args.outputs[0]!.data;
  return (dx, base, window, _padded, g, outAt) => {
    const norm = y[outAt]!;
    if (norm === 0) return;
    for (const off of window) {
      const v = x.data[base + off]!;
      dx[base + off]! += g * Math.sign(v) * (Math.abs(v) / norm) ** (p - 1);
    }
  };
});

/** A global pool's gradient: `spread` distributes one plane's output gradient over that plane. */
function globalGrad(spread: (dx: Float64Array, plane: Float64Array, start: number, g: number, y: number) => void): GradRule {
  return (args) => {
    const dy = args.dy[0];
    if (!dy) return [];
    const x = args.inputs[0]!;
    const y = args.outputs[0]!.data;
    const planes = x.shape[0]! * x.shape[1]!;
    const size = x.data.length / planes;
    const dx = new Float64Array(x.data.length);
    for (let p = 0; p < planes; p++) spread(dx, x.data.subarray(p * size, (p + 1) * size), p * size, dy[p]!, y[p]!);
    return [dx];
  };
}

const globalAveragePoolGrad = globalGrad((dx, plane, start, g) => {
  for (let i = 0; i < plane.length; i++) dx[start + i]! += g / plane.length;
});

/** The first element equal to the maximum takes the gradient (ties have measure zero; a NaN max matches none). */
const globalMaxPoolGrad = globalGrad((dx, plane, start, g, y) => {
  const at = plane.indexOf(y);
  if (at >= 0) dx[start + at]! += g;
});

export const poolGradients: Readonly<Record<string, OpGradient>> = {
  AveragePool: exact(averagePoolGrad),
  MaxPool: exact(maxPoolGrad),
  LpPool: exact(lpPoolGrad),
  GlobalAveragePool: exact(globalAveragePoolGrad),
  GlobalMaxPool: exact(globalMaxPoolGrad),
};
