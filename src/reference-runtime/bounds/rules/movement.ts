import type { BoundRule } from '../bound-rule.js';
import { copies, exact } from '../combinators.js';

/** Ops that move, pick or repeat elements of their data input: each output element carries the error of the element it copies. */
export const MOVEMENT_RULES: Readonly<Record<string, BoundRule>> = {
  Reshape: copies(),
  Flatten: copies(),
  Squeeze: copies(),
  Unsqueeze: copies(),
  Transpose: copies(),
  Expand: copies(),
  Tile: copies(),
  Slice: copies(),
  Gather: copies(),
  GatherElements: copies(),
  Split: copies(),
  Concat: copies({ data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] }),
  DepthToSpace: copies(),
  SpaceToDepth: copies(),
  Trilu: copies(),
  // Its padding is the constant value (a computed one carries its error), an edge copy or a reflection.
  Pad: copies({ data: [0, 2] }),
  // The largest of each window: within the largest error in the window.
  MaxPool: copies(),
  GlobalMaxPool: copies(),
  ReduceMax: copies(),
  // The smallest of a group is within the largest error in it: ReduceMax run on the bounds.
  ReduceMin: (args) => (args.inputBounds[0] ? copies()({ ...args, rerun: (inputs, options) => args.rerun(inputs, { ...options, op: 'ReduceMax' }) }) : []),
  Shape: exact,
  ArgMax: exact,
  ArgMin: exact,
};
