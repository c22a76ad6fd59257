import type { Tensor } from '../../../ir/tensor.js';
import { forEachSamplePoint, forEachTap, gridLayout, gridSampleOptions, type AxisSample, type GridSampleOptions } from '../../cpu/kernels/grid-sample.js';
import { gamma, unitRoundoff, type BoundRule } from '../bound-rule.js';

/** Roundings of one unnormalized coordinate in float32: an add, a multiply, a subtract, a halving. */
const COORDINATE_ROUNDINGS = 4;

/** Whether a float32 computation of the unnormalized coordinate from g is exact (a tie then resolves the same everywhere). */
function exactCoordinate(g: number, size: number, o: GridSampleOptions): boolean {
  const f = Math.fround;
  const wanted = o.alignCorners ? ((g + 1) / 2) * (size - 1) : ((g + 1) * size - 1) / 2;
  const computed = o.alignCorners ? f(f(f(g + 1) / 2) * (size - 1)) : f(f(f(f(g + 1) * size) - 1) / 2);
  return computed === wanted;
}

/**
 * GridSample: a weighted sum of input elements whose weights follow the grid. The input's errors
 * carry through the weights' magnitudes; the sum rounds as a dot product of its taps; a coordinate
 * off by the grid's error plus its own float32 rounding moves the output by the weights' slopes
 * times the values. Nearest is piecewise constant: where such an error can reach a rounding tie of
 * the coordinate, the element picked may differ and the output is unknowable (Infinity).
 */
const gridSampleRule: BoundRule = ({ inputs, attrs, inputBounds, outputs }) => {
  const [x, grid] = inputs as [Tensor, Tensor];
  const [xErr, gridErr] = inputBounds;
  const o = gridSampleOptions(attrs);
  const L = gridLayout(x, grid);
  const r = L.inDims.length;
  const unit = unitRoundoff(outputs[0]!.dtype);
  const taps = o.mode === 'cubic' ? 4 : o.mode === 'linear' ? 2 : 1;
  const g = gamma(2 * r + taps ** r, unit);
  const out = new Float64Array(outputs[0]!.data.length);
  forEachSamplePoint(x, grid, o, (n, pos, samples) => {
    // Per axis, the coordinate's error in grid units.
    const coordErr = samples.map((s: AxisSample, axis) => {
      const gi = (n * L.outSize + pos) * r + (r - 1 - axis);
      const own = (COORDINATE_ROUNDINGS * unit * (Math.abs(s.coord) + L.inDims[axis]!)) / Math.max(Math.abs(s.scale), 1e-300);
      return (gridErr?.[gi] ?? 0) + own;
    });
    const unknowable =
      o.mode === 'nearest' &&
      samples.some((s, axis) => {
        const gi = (n * L.outSize + pos) * r + (r - 1 - axis);
        if (!gridErr?.[gi] && exactCoordinate(grid.data[gi]!, L.inDims[axis]!, o)) return false;
        const tie = Math.floor(s.coord) + 0.5;
        return Math.abs(s.coord - tie) <= coordErr[axis]! * Math.abs(s.scale);
      });
    for (let ch = 0; ch < L.channels; ch++) {
      const y = (n * L.channels + ch) * L.outSize + pos;
      if (unknowable) {
        out[y] = Infinity;
        continue;
      }
      let carried = 0;
      let magnitude = 0;
      let moved = 0;
      forEachTap(samples, L.inDims, (offset, weight, partials) => {
        const at = (n * L.channels + ch) * L.inSize + offset;
        const value = Math.abs(x.data[at]!);
        carried += Math.abs(weight) * (xErr?.[at] ?? 0);
        magnitude += Math.abs(weight) * value;
        partials.forEach((p, axis) => (moved += Math.abs(p) * coordErr[axis]! * (value + (xErr?.[at] ?? 0))));
      });
      out[y] = carried + g * magnitude + (o.mode === 'nearest' ? 0 : moved);
    }
  });
  return [out];
};

export const GRID_SAMPLE_RULES: Readonly<Record<string, BoundRule>> = { GridSample: gridSampleRule };
