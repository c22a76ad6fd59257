import type { Tensor } from '../../../ir/tensor.js';
import type { KernelArgs } from '../../cpu/kernel.js';
import { concatKernel } from '../../cpu/kernels/concat.js';
import { depthToSpaceKernel, spaceToDepthKernel } from '../../cpu/kernels/depthtospace.js';
import { expandKernel } from '../../cpu/kernels/expand.js';
import { gatherElementsKernel, gatherKernel } from '../../cpu/kernels/gather.js';
import { padKernel } from '../../cpu/kernels/pad.js';
import { sliceKernel } from '../../cpu/kernels/slice.js';
import { splitKernel } from '../../cpu/kernels/split.js';
import { tileKernel } from '../../cpu/kernels/tile.js';
import { transposeKernel } from '../../cpu/kernels/transpose.js';
import { triluKernel } from '../../cpu/kernels/trilu.js';
import { exact, type OpGradient } from '../gradient.js';
import { routed } from '../helpers.js';

/** Reshape-like ops keep the row-major order of the data: the gradient is the output's, reshaped. */
const sameOrder = exact(({ dy: [dy] }) => (dy ? [dy.slice()] : []));

export const movementGradients: Readonly<Record<string, OpGradient>> = {
  Reshape: sameOrder,
  Flatten: sameOrder,
  Squeeze: sameOrder,
  Unsqueeze: sameOrder,
  Transpose: exact(routed(transposeKernel)),
  Concat: exact(routed(concatKernel, { data: ({ inputs }) => inputs.map((_x, i) => i) })),
  Split: exact(routed(splitKernel)),
  Slice: exact(routed(sliceKernel)),
  Gather: exact(routed(gatherKernel)),
  GatherElements: exact(routed(gatherElementsKernel)),
  Expand: exact(routed(expandKernel)),
  Tile: exact(routed(tileKernel)),
  // A padded element in constant mode holds constant_value: it has no source in the data.
  Pad: exact(routed(padWithZeroConstant, { zeroed: [2], unsourced: 2 })),
  Trilu: exact(routed(triluKernel)),
  DepthToSpace: exact(routed(depthToSpaceKernel)),
  SpaceToDepth: exact(routed(spaceToDepthKernel)),
};

/**
 * Pad whose constant is 0 whether it is an input or (Pad-2) the `value` attribute: routing reads
 * any id below 1 as "no source", and an attribute constant of 1 or more would pass for an id.
 */
function padWithZeroConstant(args: KernelArgs): Tensor[] {
  const attrs = args.attrs;
  return padKernel({ ...args, attrs: { ...attrs, has: (name) => name !== 'value' && attrs.has(name) } });
}
