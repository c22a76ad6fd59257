import type { Tensor } from '../../../ir/tensor.js';
import { forEachSamplePoint, forEachTap, gridLayout, gridSampleOptions } from '../../cpu/kernels/grid-sample.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/**
 * Each output element is a weighted sum of input elements, the weights functions of its grid
 * coordinates: X gets the output gradients times the weights it was read with, and each grid
 * coordinate the output gradients times the input values times the weights' derivatives (zero for
 * nearest, which is piecewise constant in the grid; zero where border or reflection padding clamps).
 */
const gridSampleGrad: GradRule = ({ inputs, attrs, dy: [dy] }) => {
  if (!dy) return [];
  const [x, grid] = inputs as [Tensor, Tensor];
  const o = gridSampleOptions(attrs);
  const L = gridLayout(x, grid);
  const r = L.inDims.length;
  const dx = new Float64Array(x.data.length);
  const dGrid = new Float64Array(grid.data.length);
  forEachSamplePoint(x, grid, o, (n, pos, samples) => {
    forEachTap(samples, L.inDims, (offset, weight, partials) => {
      for (let ch = 0; ch < L.channels; ch++) {
        const g = dy[(n * L.channels + ch) * L.outSize + pos]!;
        const at = (n * L.channels + ch) * L.inSize + offset;
        dx[at]! += g * weight;
        const value = x.data[at]!;
        partials.forEach((p, axis) => {
          dGrid[(n * L.outSize + pos) * r + (r - 1 - axis)]! += g * value * p;
        });
      }
    });
  });
  return [dx, dGrid];
};

export const gridSampleGradients: Readonly<Record<string, OpGradient>> = {
  GridSample: exact(gridSampleGrad),
};
