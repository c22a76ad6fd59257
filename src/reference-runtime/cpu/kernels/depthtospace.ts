import type { Tensor } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';

/**
 * Visits every element of the deep layout [N, C*b*b, H, W] with its place in the spatial layout
 * [N, C, H*b, W*b]: channel (bh*b + bw)*C + c (DCR) or c*b*b + bh*b + bw (CRD) holds the value at
 * row h*b + bh, column w*b + bw of channel c.
 */
function forEachBlockPair(
  deep: readonly number[],
  b: number,
  crd: boolean,
  fn: (deepIndex: number, spatialIndex: number) => void,
): void {
  const [n, deepC, h, w] = deep as [number, number, number, number];
  const c = deepC / (b * b);
  for (let ni = 0; ni < n; ni++)
    for (let ci = 0; ci < c; ci++)
      for (let bh = 0; bh < b; bh++)
        for (let bw = 0; bw < b; bw++) {
          const dc = crd ? ci * b * b + bh * b + bw : (bh * b + bw) * c + ci;
          for (let hi = 0; hi < h; hi++)
            for (let wi = 0; wi < w; wi++) {
              const deepIndex = ((ni * deepC + dc) * h + hi) * w + wi;
              const spatialIndex = ((ni * c + ci) * h * b + hi * b + bh) * w * b + wi * b + bw;
              fn(deepIndex, spatialIndex);
            }
        }
}

export const depthToSpaceKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0] as Tensor;
  const data = new Float64Array(x.data.length);
  forEachBlockPair(x.shape, attrs.int('blocksize'), attrs.has('mode') && attrs.str('mode') === 'CRD', (deep, spatial) => {
    data[spatial] = x.data[deep]!;
  });
  return [result(outputs[0]!, data)];
};

export const spaceToDepthKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0] as Tensor;
  const data = new Float64Array(x.data.length);
  forEachBlockPair(outputs[0]!.shape, attrs.int('blocksize'), false, (deep, spatial) => {
    data[deep] = x.data[spatial]!;
  });
  return [result(outputs[0]!, data)];
};
