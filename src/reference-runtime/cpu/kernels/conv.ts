import { resolvePads } from '../../../opspec/ops/sliding-window.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { stridesOf } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';

/** The channel and spatial sizes a Conv or ConvTranspose node walks. */
export interface ConvSizes {
  readonly batch: number;
  readonly cIn: number;
  readonly cOut: number;
  readonly cInPerGroup: number;
  readonly cOutPerGroup: number;
  readonly inSpatial: number;
  readonly kSpatial: number;
  readonly outSpatial: number;
}

/** How a Conv node walks its tensors: the kernel and its gradient share it, so they cannot disagree. */
export interface ConvGeometry extends ConvSizes {
  /** source[o * kSpatial + k]: the input spatial offset output position o reads at kernel position k, or -1 in the padding. */
  readonly source: Int32Array;
}

/** The geometry of a Conv node from X's, W's and Y's shapes (grouped, dilated, strided, padded incl. auto_pad). */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], outShape: readonly number[], attrs: ConcreteAttrs): ConvGeometry {
  const s = xShape.length - 2;
  const inDims = xShape.slice(2);
  const kDims = wShape.slice(2);
  const outDims = outShape.slice(2);
  const strides = attrs.ints('strides');
  const dilations = attrs.ints('dilations');
  const pads = resolvePads(inDims, kDims, { strides, dilations, pads: attrs.ints('pads'), autoPad: attrs.str('auto_pad') });
  const group = attrs.int('group');
  const [cIn, cOut] = [xShape[1]!, wShape[0]!];
  const inSpatial = inDims.reduce((a, b) => a * b, 1);
  const kSpatial = kDims.reduce((a, b) => a * b, 1);
  const outSpatial = outDims.reduce((a, b) => a * b, 1);
  const [inStrides, kStrides, outStrides] = [stridesOf(inDims), stridesOf(kDims), stridesOf(outDims)];
  const source = new Int32Array(outSpatial * kSpatial);
  for (let o = 0; o < outSpatial; o++) {
    for (let k = 0; k < kSpatial; k++) {
      let offset = 0;
      for (let d = 0; d < s; d++) {
        const outPos = Math.floor(o / outStrides[d]!) % outDims[d]!;
        const kPos = Math.floor(k / kStrides[d]!) % kDims[d]!;
        const pos = outPos * strides[d]! - pads[d]! + kPos * dilations[d]!;
        if (pos < 0 || pos >= inDims[d]!) {
          offset = -1;
          break;
        }
        offset += pos * inStrides[d]!;
      }
      source[o * kSpatial + k] = offset;
    }
  }
  return { batch: xShape[0]!, cIn, cOut, cInPerGroup: cIn / group, cOutPerGroup: cOut / group, inSpatial, kSpatial, outSpatial, source };
}

/** Direct N-d grouped convolution with dilations, strides and (resolved) pads. */
export const convKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, w, bias] = inputs;
  const out = outputs[0]!;
  const { batch, cIn, cOut, cInPerGroup, cOutPerGroup, inSpatial, kSpatial, outSpatial, source } = convGeometry(x!.shape, w!.shape, out.shape, attrs);
  const data = new Float64Array(batch * cOut * outSpatial);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cOut; oc++) {
      const g = Math.floor(oc / cOutPerGroup);
      const b = bias ? bias.data[oc]! : 0;
      for (let o = 0; o < outSpatial; o++) {
        let acc = b;
        for (let ic = 0; ic < cInPerGroup; ic++) {
          const xBase = (n * cIn + g * cInPerGroup + ic) * inSpatial;
          const wBase = (oc * cInPerGroup + ic) * kSpatial;
          for (let k = 0; k < kSpatial; k++) {
            const src = source[o * kSpatial + k]!;
            if (src >= 0) acc += x!.data[xBase + src]! * w!.data[wBase + k]!;
          }
        }
        data[(n * cOut + oc) * outSpatial + o] = acc;
      }
    }
  }
  return [result(out, data)];
};
