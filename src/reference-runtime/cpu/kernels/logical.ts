import type { Kernel } from '../kernel.js';
import { binaryKernel } from './binary.js';

/** Bools are held as 0 and 1. */
export const logicalKernels: Readonly<Record<string, Kernel>> = {
  And: binaryKernel((a, b) => (a !== 0 && b !== 0 ? 1 : 0)),
  Or: binaryKernel((a, b) => (a !== 0 || b !== 0 ? 1 : 0)),
  Xor: binaryKernel((a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0)),
};
