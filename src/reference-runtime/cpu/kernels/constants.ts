import { result, type Kernel } from '../kernel.js';

/** ConstantOfShape: every element is the value of the 'value' tensor attribute ([code, value]). */
export const constantOfShapeKernel: Kernel = ({ attrs, outputs }) => {
  const out = outputs[0]!;
  const value = attrs.floats('value')[1]!;
  const n = out.shape.reduce((a, b) => a * b, 1);
  return [result(out, new Float64Array(n).fill(value))];
};

/** Size: the element count. */
export const sizeKernel: Kernel = ({ inputs, outputs }) => [result(outputs[0]!, Float64Array.of(inputs[0]!.data.length))];

/**
 * Range: start + i * delta for each of the output's elements (the spec computed how many). A float32
 * start and delta are the float32 values they hold.
 */
export const rangeKernel: Kernel = ({ inputs, outputs }) => {
  const [start, , delta] = inputs.map((t) => t!.data[0]!);
  const out = outputs[0]!;
  return [result(out, Float64Array.from({ length: out.shape[0]! }, (_, i) => start! + i * delta!))];
};

/** EyeLike: ones where column - row = k, zeros elsewhere. */
export const eyeLikeKernel: Kernel = ({ attrs, outputs }) => {
  const out = outputs[0]!;
  const [rows, cols] = out.shape as [number, number];
  const k = attrs.int('k');
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const col = r + k;
    if (col >= 0 && col < cols) data[r * cols + col] = 1;
  }
  return [result(out, data)];
};
