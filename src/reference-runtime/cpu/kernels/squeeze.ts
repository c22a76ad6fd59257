import { reshapeKernel } from './reshape.js';

/** Squeeze and Unsqueeze only change the shape: the row-major data stays as it is. */
export const squeezeKernels = { Squeeze: reshapeKernel, Unsqueeze: reshapeKernel };
