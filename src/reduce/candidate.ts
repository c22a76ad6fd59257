import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';

/** A test the reducer may try: a model and the values of its graph inputs. */
export interface Candidate {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
}

/** Says whether a candidate still shows the bug being reduced. */
export type StillFails = (candidate: Candidate) => Promise<boolean>;

/**
 * One step of a shrinking pass, applied to whatever the current candidate is when its turn comes
 * (earlier steps may have been accepted); undefined when it no longer applies or gives no valid model.
 */
export type Edit = (current: Candidate) => Candidate | undefined;
