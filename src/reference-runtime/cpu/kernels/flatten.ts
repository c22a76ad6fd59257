import { reshapeKernel } from './reshape.js';

/** Flatten only changes the shape: the row-major data stays as it is. */
export const flattenKernels = { Flatten: reshapeKernel };
