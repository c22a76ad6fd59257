import { convTransposeGeometry } from '../../cpu/kernels/conv-transpose.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/**
 * The kernel adds X[n, ic, i] * W[ic, m, k] into Y[n, g*cOutPerGroup + m, target(i, k)] (plus B per
 * output channel): the same index nest, reading dY where the kernel wrote Y.
 */
const convTransposeRule: GradRule = ({ inputs, attrs, outputs, dy }) => {
  const dY = dy[0];
  if (!dY) return [];
  const [x, w, bias] = inputs;
  const { batch, cIn, cOut, cInPerGroup, cOutPerGroup, inSpatial, kSpatial, outSpatial, target } = convTransposeGeometry(
    x!.shape,
    w!.shape,
    outputs[0]!.shape,
    attrs,
  );
  const dX = new Float64Array(x!.data.length);
  const dW = new Float64Array(w!.data.length);
  for (let n = 0; n < batch; n++) {
    for (let ic = 0; ic < cIn; ic++) {
      const g = Math.floor(ic / cInPerGroup);
      const xBase = (n * cIn + ic) * inSpatial;
      for (let m = 0; m < cOutPerGroup; m++) {
        const wBase = (ic * cOutPerGroup + m) * kSpatial;
        const yBase = (n * cOut + g * cOutPerGroup + m) * outSpatial;
        for (let i = 0; i < inSpatial; i++) {
          const xv = x!.data[xBase + i]!;
          let acc = 0;
          for (let k = 0; k < kSpatial; k++) {
            const t = target[i * kSpatial + k]!;
            if (t < 0) continue;
            const gy = dY[yBase + t]!;
            acc += gy * w!.data[wBase + k]!;
            dW[wBase + k]! += gy * xv;
          }
          dX[xBase + i]! += acc;
        }
      }
    }
  }
  return [dX, dW, bias ? biasGradient(dY, batch, cOut, outSpatial) : undefined];
};

/** B[oc] is added to every output element of channel oc. */
function biasGradient(dY: Float64Array, batch: number, cOut: number, outSpatial: number): Float64Array {
  const dB = new Float64Array(cOut);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cOut; oc++) {
      const base = (n * cOut + oc) * outSpatial;
      for (let o = 0; o < outSpatial; o++) dB[oc]! += dY[base + o]!;
    }
  }
  return dB;
}

export const convTransposeGradients: Readonly<Record<string, OpGradient>> = {
  ConvTranspose: exact(convTransposeRule),
};
