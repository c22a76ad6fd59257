import { resolvePads } from '../../../opspec/ops/sliding-window.js';
import { stridesOf } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';

/** Direct N-d grouped convolution with dilations, strides and (resolved) pads. */
export const convKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, w, bias] = inputs;
  const out = outputs[0]!;
  const s = x!.shape.length - 2;
  const inDims = x!.shape.slice(2);
  const kDims = w!.shape.slice(2);
  const outDims = out.shape.slice(2);
  const strides = attrs.ints('strides');
  const dilations = attrs.ints('dilations');
  const pads = resolvePads(inDims, kDims, { strides, dilations, pads: attrs.ints('pads'), autoPad: attrs.str('auto_pad') });
  const group = attrs.int('group');
  const [batch, cIn] = [x!.shape[0]!, x!.shape[1]!];
  const cOut = w!.shape[0]!;
  const cInPerGroup = cIn / group;
  const cOutPerGroup = cOut / group;
  const inSpatial = inDims.reduce((a, b) => a * b, 1);
  const kSpatial = kDims.reduce((a, b) => a * b, 1);
  const outSpatial = outDims.reduce((a, b) => a * b, 1);
  const inStrides = stridesOf(inDims);
  const kStrides = stridesOf(kDims);
  const outStrides = stridesOf(outDims);
  const data = new Float64Array(batch * cOut * outSpatial);
  const outPos = new Array<number>(s);
  const kPos = new Array<number>(s);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cOut; oc++) {
      const g = Math.floor(oc / cOutPerGroup);
      const b = bias ? bias.data[oc]! : 0;
      for (let o = 0; o < outSpatial; o++) {
        for (let d = 0; d < s; d++) outPos[d] = Math.floor(o / outStrides[d]!) % outDims[d]!;
        let acc = b;
        for (let ic = 0; ic < cInPerGroup; ic++) {
          const xBase = (n * cIn + g * cInPerGroup + ic) * inSpatial;
          const wBase = (oc * cInPerGroup + ic) * kSpatial;
          for (let kk = 0; kk < kSpatial; kk++) {
            let xOff = 0;
            let inside = true;
            for (let d = 0; d < s; d++) {
              kPos[d] = Math.floor(kk / kStrides[d]!) % kDims[d]!;
              const pos = outPos[d]! * strides[d]! - pads[d]! + kPos[d]! * dilations[d]!;
              if (pos < 0 || pos >= inDims[d]!) {
                inside = false;
                break;
              }
              xOff += pos * inStrides[d]!;
            }
            if (inside) acc += x!.data[xBase + xOff]! * w!.data[wBase + kk]!;
          }
        }
        data[(n * cOut + oc) * outSpatial + o] = acc;
      }
    }
  }
  return [result(out, data)];
};
