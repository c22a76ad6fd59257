import { result, type Kernel } from '../kernel.js';

/** Inference-mode batch normalization over dim 1 with the given running statistics. */
export const batchNormKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const [x, scale, bias, mean, variance] = inputs;
  const epsilon = attrs.float('epsilon');
  const channels = x!.shape[1]!;
  const inner = x!.shape.slice(2).reduce((a, b) => a * b, 1);
  const data = new Float64Array(x!.data.length);
  for (let i = 0; i < data.length; i++) {
    const ch = Math.floor(i / inner) % channels;
    data[i] = ((x!.data[i]! - mean!.data[ch]!) / Math.sqrt(variance!.data[ch]! + epsilon)) * scale!.data[ch]! + bias!.data[ch]!;
  }
  return [result(outputs[0]!, data)];
};
