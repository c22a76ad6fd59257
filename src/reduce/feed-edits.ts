import type { Model } from '../ir/model.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import { FEED_PREFIX } from '../oracles/signature.js';
import type { Candidate } from './candidate.js';
import { eliminateDeadCode, freshName } from './graph-edits.js';

/** The simplest op that computes a value of each dtype on the SUT, and the input that gives `value` through it. */
const FEEDS: Readonly<Record<string, { readonly op: string; readonly inverse: (x: number) => number }>> = {
  bool: { op: 'Not', inverse: (x) => (x ? 0 : 1) },
  float32: { op: 'Neg', inverse: (x) => -x },
  float64: { op: 'Neg', inverse: (x) => -x },
  int32: { op: 'Neg', inverse: (x) => -x },
  int64: { op: 'Neg', inverse: (x) => -x },
};

const INT32_MIN = -(2 ** 31);

/**
 * The node replaced by a feed: the simplest op computing the same values (Neg of a new graph input
 * holding their negation; Not for bools), named FEED_PREFIX + the node's name; what only the node
 * read is removed. A SUT may fail only on a value one of its own kernels computed (tfjs-webgpu
 * copies a bool a comparison computed on the GPU wrongly, but not one uploaded from the host): a
 * cut of the graph loses such a bug, and without a feed every reduction keeps another incidental
 * producer. Bug signatures leave feeds out. Undefined when that does not apply.
 */
export function feedNode(candidate: Candidate, nodeName: string, values: ReadonlyMap<string, Tensor>): Candidate | undefined {
  const { model } = candidate;
  const node = model.nodes.find((n) => n.name === nodeName);
  if (!node || node.name.startsWith(FEED_PREFIX) || node.outputs.length !== 1) return undefined;
  const out = node.outputs[0]!;
  const feed = FEEDS[out.dtype];
  const value = values.get(out.name);
  if (!feed || !value || (feed.op === node.op && node.inputs.every((i) => model.inputs.some((x) => x.name === i)))) return undefined;
  // -INT32_MIN does not exist in int32.
  if (out.dtype === 'int32' && value.data.some((x) => x === INT32_MIN)) return undefined;
  const input = freshName(model, `${out.name}_fed`);
  const fed: Model = {
    ...model,
    inputs: [...model.inputs, { name: input, dtype: out.dtype, shape: [...out.shape] }],
    nodes: model.nodes.map((n) => (n === node ? { name: `${FEED_PREFIX}${node.name}`, op: feed.op, inputs: [input], outputs: [out], attrs: {} } : n)),
  };
  const inputs = new Map(candidate.inputs);
  inputs.set(input, makeTensor(out.dtype, out.shape, value.data.map(feed.inverse)));
  return eliminateDeadCode({ model: fed, inputs });
}
