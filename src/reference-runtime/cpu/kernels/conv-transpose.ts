import type { ConvSizes } from './conv.js';
import { transposedBeginPads } from '../../../opspec/ops/conv-transpose.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { stridesOf } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';

/** Begin pads as ONNX derives them: from output_shape or SAME_*, none for VALID, else the pads attribute. */
export function beginPads(inDims: readonly number[], kDims: readonly number[], outDims: readonly number[], attrs: ConcreteAttrs): number[] {
  const strides = attrs.ints('strides');
  const dilations = attrs.ints('dilations');
  const outputPadding = attrs.ints('output_padding');
  const autoPad = attrs.str('auto_pad');
  if (attrs.has('output_shape') || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const full = inDims.map((d, i) => strides[i]! * (d - 1) + outputPadding[i]! + dilations[i]! * (kDims[i]! - 1) + 1);
    return transposedBeginPads(full, outDims, autoPad);
  }
  return autoPad === 'VALID' ? inDims.map(() => 0) : attrs.ints('pads').slice(0, inDims.length);
}

/** How a ConvTranspose node walks its tensors: the kernel and its gradient share it, so they cannot disagree. */
export interface ConvTransposeGeometry extends ConvSizes {
  /** target[i * kSpatial + k]: the output spatial offset input position i and kernel position k reach, or -1. */
  readonly target: Int32Array;
}

/** The geometry of a ConvTranspose node from X's, W's and Y's shapes (grouped, strided, dilated, padded). */
export function convTransposeGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  outShape: readonly number[],
  attrs: ConcreteAttrs,
): ConvTransposeGeometry {
  const s = xShape.length - 2;
  const inDims = xShape.slice(2);
  const kDims = wShape.slice(2);
  const outDims = outShape.slice(2);
  const strides = attrs.ints('strides');
  const dilations = attrs.ints('dilations');
  const pads = beginPads(inDims, kDims, outDims, attrs);
  const cIn = xShape[1]!;
  const inSpatial = inDims.reduce((a, b) => a * b, 1);
  const kSpatial = kDims.reduce((a, b) => a * b, 1);
  const outSpatial = outDims.reduce((a, b) => a * b, 1);
  const [inStrides, kStrides, outStrides] = [stridesOf(inDims), stridesOf(kDims), stridesOf(outDims)];
  const target = new Int32Array(inSpatial * kSpatial);
  for (let i = 0; i < inSpatial; i++) {
    for (let k = 0; k < kSpatial; k++) {
      let offset = 0;
      for (let d = 0; d < s; d++) {
        const inPos = Math.floor(i / inStrides[d]!) % inDims[d]!;
        const kPos = Math.floor(k / kStrides[d]!) % kDims[d]!;
        const pos = inPos * strides[d]! - pads[d]! + kPos * dilations[d]!;
        if (pos < 0 || pos >= outDims[d]!) {
          offset = -1;
          break;
        }
        offset += pos * outStrides[d]!;
      }
      target[i * kSpatial + k] = offset;
    }
  }
  return {
    batch: xShape[0]!,
    cIn,
    cOut: outShape[1]!,
    cInPerGroup: cIn / attrs.int('group'),
    cOutPerGroup: wShape[1]!,
    inSpatial,
    kSpatial,
    outSpatial,
    target,
  };
}

/** Scatters every input element times the kernel into the output (grouped, strided, dilated). */
export const convTransposeKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, w, bias] = inputs;
  const out = outputs[0]!;
  const { batch, cIn, cOut, cInPerGroup, cOutPerGroup, inSpatial, kSpatial, outSpatial, target } = convTransposeGeometry(
    x!.shape,
    w!.shape,
    out.shape,
    attrs,
  );
  const data = new Float64Array(batch * cOut * outSpatial);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cOut; oc++) data.fill(bias ? bias.data[oc]! : 0, (n * cOut + oc) * outSpatial, (n * cOut + oc + 1) * outSpatial);
    for (let ic = 0; ic < cIn; ic++) {
      const g = Math.floor(ic / cInPerGroup);
      const xBase = (n * cIn + ic) * inSpatial;
      for (let m = 0; m < cOutPerGroup; m++) {
        const wBase = (ic * cOutPerGroup + m) * kSpatial;
        const yBase = (n * cOut + g * cOutPerGroup + m) * outSpatial;
        for (let i = 0; i < inSpatial; i++) {
          const xv = x!.data[xBase + i]!;
          for (let k = 0; k < kSpatial; k++) {
            const t = target[i * kSpatial + k]!;
            if (t >= 0) data[yBase + t]! += xv * w!.data[wBase + k]!;
          }
        }
      }
    }
  }
  return [result(out, data)];
};
