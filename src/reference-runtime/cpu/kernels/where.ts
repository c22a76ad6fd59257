import { result, type Kernel } from '../kernel.js';
import { mapBroadcastN } from './binary.js';

/** Where-16: X where the condition holds, Y elsewhere, all three broadcast to the output. */
export const whereKernel: Kernel = ({ inputs, outputs }) => {
  const out = outputs[0]!;
  return [result(out, mapBroadcastN(inputs.map((t) => t!), out.shape, ([c, x, y]) => (c !== 0 ? x! : y!)))];
};
