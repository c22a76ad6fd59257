import { isFloatDType } from '../../../ir/dtype.js';
import { result, type Kernel } from '../kernel.js';
import { mapBroadcast2, withoutNegativeZero } from './binary.js';
import { asStored } from './compare.js';

/** C's fmod: the remainder of truncated division, with the sign of the dividend (JavaScript's %). */
function truncatedRemainder(a: number, b: number): number {
  return a % b;
}

/** Python's %: the remainder of floored division, with the sign of the divisor. */
function flooredRemainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/**
 * Mod-13. The remainder jumps wherever a / b crosses an integer, so it is taken of the operands as
 * their dtype holds them (float32-rounded), as a float32 runtime sees them.
 */
export const modKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const a = inputs[0]!;
  const b = inputs[1]!;
  const out = outputs[0]!;
  const remainder = attrs.int('fmod') === 1 ? truncatedRemainder : flooredRemainder;
  // C's fmod(-4, 2) is -0 for floats; an integer has no -0.
  const f = isFloatDType(out.dtype) ? remainder : withoutNegativeZero(remainder);
  return [result(out, mapBroadcast2(asStored(a), a.shape, asStored(b), b.shape, out.shape, f))];
};
