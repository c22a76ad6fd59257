import { result, type Kernel } from '../kernel.js';

/** Normalizes each (batch, channel) plane by its own mean and (population) variance. */
export const instanceNormKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, scale, bias] = inputs;
  const epsilon = attrs.float('epsilon');
  const channels = x!.shape[1]!;
  const size = x!.shape.slice(2).reduce((a, b) => a * b, 1);
  const data = new Float64Array(x!.data.length);
  for (let plane = 0; plane * size < data.length; plane++) {
    const values = x!.data.subarray(plane * size, (plane + 1) * size);
    const mean = values.reduce((a, b) => a + b, 0) / size;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / size;
    const ch = plane % channels;
    const factor = scale!.data[ch]! / Math.sqrt(variance + epsilon);
    for (let i = 0; i < size; i++) data[plane * size + i] = (values[i]! - mean) * factor + bias!.data[ch]!;
  }
  return [result(outputs[0]!, data)];
};
