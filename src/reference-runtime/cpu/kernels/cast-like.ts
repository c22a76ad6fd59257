import type { Kernel } from '../kernel.js';
import { castKernel } from './cast.js';

/** CastLike is Cast to the second input's dtype, which the spec already made the output's. */
export const castLikeKernel: Kernel = (args) => castKernel({ ...args, inputs: [args.inputs[0]] });
