import { eq } from '../../opspec/expr.js';
import { exact, freshInput, index, present, ref, weight, type Pattern } from './pattern.js';

const X3 = [{ name: 'x', rank: [3, 3] as const }];
const neg = (of: string) => ({ id: 'use', op: 'Neg', slots: [ref(of)] });

/** Level-1 eliminations and the small rewrites of onnxruntime's basic level. */
export const ELIMINATION_PATTERNS: readonly Pattern[] = [
  {
    name: 'identity',
    summary: 'An Identity between two ops: removed',
    inputs: X3,
    steps: [{ id: 'id', op: 'Identity', slots: [ref('x')] }, neg('id')],
    targets: { onnxruntime: ['EliminateIdentity'] },
  },
  {
    name: 'slice-whole',
    summary: 'A Slice of the whole first axis: removed',
    inputs: X3,
    steps: [{ id: 'slice', op: 'Slice', slots: [ref('x'), present, present, present], attrs: (d) => ({ starts: [0], ends: [d('x', 0)], axes: [0] }) }, neg('slice')],
    targets: { onnxruntime: ['EliminateSlice'] },
    unreached: 'onnxruntime 1.30 keeps this Slice at every level (EliminateSlice did not fire on a whole-axis Slice with ends equal to the dim)',
  },
  {
    name: 'expand-same-shape',
    summary: 'An Expand to the shape its input has: removed',
    inputs: X3,
    steps: [{ id: 'expand', op: 'Expand', slots: [ref('x'), present], attrs: (d) => ({ shape: [d('x', 0), d('x', 1), d('x', 2)] }) }, neg('expand')],
    targets: { onnxruntime: ['ExpandElimination'] },
  },
  {
    name: 'cast-same-type',
    summary: 'A Cast of float32 to float32: removed',
    inputs: X3,
    steps: [{ id: 'cast', op: 'Cast', slots: [ref('x')], attrs: { to: 1 } }, neg('cast')],
    targets: { onnxruntime: ['CastElimination'] },
  },
  {
    name: 'unsqueeze-constant',
    summary: 'An Unsqueeze of a constant: folded into the constant',
    inputs: X3,
    steps: [{ id: 'unsq', op: 'Unsqueeze', slots: [weight((d) => [d('x', -1)]), present], attrs: { axes: [0] } }, { id: 'mul', op: 'Mul', slots: [ref('x'), ref('unsq')] }],
    targets: { onnxruntime: ['UnsqueezeElimination'] },
  },
  {
    name: 'reshape-chain',
    summary: 'Two Reshapes in a row: one Reshape',
    inputs: X3,
    steps: [
      { id: 'r1', op: 'Reshape', slots: [ref('x'), present] },
      { id: 'r2', op: 'Reshape', slots: [ref('r1'), present] },
      neg('r2'),
    ],
    targets: { onnxruntime: ['ReshapeFusion'] },
  },
  {
    name: 'add-zero',
    summary: 'Add of a scalar 0: removed',
    inputs: X3,
    steps: [{ id: 'add', op: 'Add', slots: [ref('x'), exact(0)] }, neg('add')],
    targets: { onnxruntime: ['NoopElimination'] },
    unreached: 'onnxruntime 1.30 keeps the Add of a scalar 0 at every level',
  },
  {
    name: 'mul-one',
    summary: 'Mul by a scalar 1: removed',
    inputs: X3,
    steps: [{ id: 'mul', op: 'Mul', slots: [ref('x'), exact(1)] }, neg('mul')],
    targets: { onnxruntime: ['NoopElimination'] },
    unreached: 'onnxruntime 1.30 keeps the Mul by a scalar 1 at every level',
  },
  {
    name: 'constant-subgraph',
    summary: 'Ops whose inputs are all constants: folded to one constant',
    inputs: X3,
    steps: [
      { id: 'k', op: 'Add', slots: [weight((d) => [d('x', -1)]), weight((d) => [d('x', -1)])] },
      { id: 'k2', op: 'Exp', slots: [ref('k')] },
      { id: 'use', op: 'Mul', slots: [ref('x'), ref('k2')] },
    ],
    targets: { onnxruntime: ['ConstantFolding'] },
    unreached: 'constant folding removes ops without adding any: the diff cannot name it apart from other eliminations, so coverage lists it as its removed ops',
  },
  {
    name: 'concat-slice',
    summary: 'Concat of two values then a Slice that takes back the first: the Slice reads it directly',
    inputs: [{ name: 'x', rank: [2, 2] }],
    steps: [
      { id: 'cat', op: 'Concat', slots: [ref('x'), freshInput((d) => [undefined, d('x', 1)])], attrs: { axis: 0 } },
      { id: 'slice', op: 'Slice', slots: [ref('cat'), present, present, present], attrs: (d) => ({ starts: [0], ends: [d('x', 0)], axes: [0] }) },
      neg('slice'),
    ],
    targets: { onnxruntime: ['ConcatSliceElimination'] },
    unreached: 'onnxruntime 1.30 keeps the Concat and the Slice at every level',
  },
  {
    name: 'gather-to-split',
    summary: 'Gathers of index 0 and 1 along an axis of length 2: one Split',
    inputs: [{ name: 'x', rank: [2, 3] }],
    steps: [
      { id: 'g0', op: 'Gather', slots: [ref('x'), index(0)], attrs: { axis: 0 }, constraints: (_, d) => [eq(d('x', 0), 2)] },
      { id: 'g1', op: 'Gather', slots: [ref('x'), index(1)], attrs: { axis: 0 } },
      { id: 'sum', op: 'Add', slots: [ref('g0'), ref('g1')] },
    ],
    targets: { onnxruntime: ['GatherToSplitFusion'] },
  },
];
