import { stridesOf } from '../../../ir/tensor.js';
import { result, type Kernel } from '../kernel.js';

/** Output element (o_0, o_1, ...) is input element (o_0 mod d_0, o_1 mod d_1, ...). */
export const tileKernel: Kernel = ({ inputs, outputs }) => {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const rank = x.shape.length;
  const strides = stridesOf(x.shape);
  const size = out.shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(size);
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (counter[d]! % x.shape[d]!) * strides[d]!;
    data[i] = x.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < out.shape[d]!) break;
      counter[d] = 0;
    }
  }
  return [result(out, data)];
};
