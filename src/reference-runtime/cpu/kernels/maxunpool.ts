import { stridesOf, type Tensor } from '../../../ir/tensor.js';
import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { result, type Kernel } from '../kernel.js';

/** The shape MaxUnpool infers from its attributes: [N, C, (in - 1) * stride + kernel - pads]. */
export function inferredUnpoolShape(x: Tensor, attrs: ConcreteAttrs): number[] {
  const s = x.shape.length - 2;
  const kernel = attrs.ints('kernel_shape');
  const strides = attrs.ints('strides');
  const pads = attrs.ints('pads');
  return [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map((d, i) => (d - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + s]!)];
}

/**
 * MaxUnpool: zeros, with each element of X at the flat position its index names in the inferred
 * shape; a larger output_shape keeps that block at its start and zeros the rest (as ONNX's
 * reference does).
 */
export const maxUnpoolKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, indices] = inputs as [Tensor, Tensor];
  const inferred = inferredUnpoolShape(x, attrs);
  const shape = outputs[0]!.shape;
  const inferredStrides = stridesOf(inferred);
  const outStrides = stridesOf(shape);
  const size = inferred.reduce((p, d) => p * d, 1);
  const data = new Float64Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < x.data.length; i++) {
    const at = indices.data[i]!;
    if (!(at >= 0 && at < size)) throw new RangeError(`MaxUnpool: index ${at} is outside the inferred output's ${size} elements`);
    let offset = 0;
    for (let d = 0; d < inferred.length; d++) offset += (Math.floor(at / inferredStrides[d]!) % inferred[d]!) * outStrides[d]!;
    data[offset] = x.data[i]!;
  }
  return [result(outputs[0]!, data)];
};
