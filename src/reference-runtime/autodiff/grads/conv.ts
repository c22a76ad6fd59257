import { convGeometry } from '../../cpu/kernels/conv.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/**
 * Y[n, oc, o] = B[oc] + sum over ic, k of X[n, g*cInPerGroup + ic, source(o, k)] * W[oc, ic, k]:
 * the same index nest as the kernel, each product's partials scattered back to X, W and B.
 */
const convRule: GradRule = ({ inputs, attrs, outputs, dy }) => {
  const dY = dy[0];
  if (!dY) return [];
  const [x, w, bias] = inputs;
  const { batch, cIn, cOut, cInPerGroup, cOutPerGroup, inSpatial, kSpatial, outSpatial, source } = convGeometry(x!.shape, w!.shape, outputs[0]!.shape, attrs);
  const dX = new Float64Array(x!.data.length);
  const dW = new Float64Array(w!.data.length);
  const dB = bias ? new Float64Array(bias.data.length) : undefined;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cOut; oc++) {
      const g = Math.floor(oc / cOutPerGroup);
      for (let o = 0; o < outSpatial; o++) {
        const gy = dY[(n * cOut + oc) * outSpatial + o]!;
        if (dB) dB[oc]! += gy;
        for (let ic = 0; ic < cInPerGroup; ic++) {
          const xBase = (n * cIn + g * cInPerGroup + ic) * inSpatial;
          const wBase = (oc * cInPerGroup + ic) * kSpatial;
          for (let k = 0; k < kSpatial; k++) {
            const src = source[o * kSpatial + k]!;
            if (src < 0) continue;
            dX[xBase + src]! += gy * w!.data[wBase + k]!;
            dW[wBase + k]! += gy * x!.data[xBase + src]!;
          }
        }
      }
    }
  }
  return [dX, dW, dB];
};

export const convGradients: Readonly<Record<string, OpGradient>> = {
  Conv: exact(convRule),
};
