import { facts } from '../numeric.js';
import { broadcastOp } from './binary.js';

/**
 * BitShift-11: X shifted left or right by Y bits, on unsigned integers. A left shift drops the bits
 * past the type's width (ONNX's example: uint8 16 << 3 is 128). Shifts are kept below the width of
 * 8 bits, which every type has: C++ leaves a shift by the width or more undefined.
 */
export const bitShift = broadcastOp('BitShift', 11, {
  dtypes: ['uint8', 'uint16', 'uint32', 'uint64'],
  attrs: { direction: { kind: 'string', choices: ['LEFT', 'RIGHT'] } },
  domain: [{ input: 1, min: 0, max: 7 }],
  // A left shift wraps to the type's width, a defined result (the kernel wraps it): no overflow.
  numeric: facts({ overflow: 'never' }),
});
