import { exact, ref, weight, type Pattern } from './pattern.js';

const X = [{ name: 'x', rank: [1, 5] as const }];

/** Fusions of the basic level that change an op rather than remove one, and the transpose optimizer. */
export const REWRITE_PATTERNS: readonly Pattern[] = [
  {
    name: 'relu-clip',
    summary: 'Relu feeding Clip with constant bounds: the Relu is folded into the Clip minimum',
    inputs: X,
    steps: [{ id: 'relu', op: 'Relu', slots: [ref('x')] }, { id: 'clip', op: 'Clip', slots: [ref('relu'), exact(-1), exact(6)] }],
    targets: { onnxruntime: ['FuseReluClip'] },
  },
  {
    name: 'relu-clip-max',
    summary: "Relu feeding Clip's max input: not the Clip's data, so not foldable",
    inputs: [{ name: 'x', rank: [0, 0] }],
    steps: [{ id: 'relu', op: 'Relu', slots: [ref('x')] }, { id: 'clip', op: 'Clip', slots: [weight('any'), exact(-1), ref('relu')] }],
    targets: {},
    nearMiss: { of: 'relu-clip', why: "the Relu feeds the Clip's max, not its input" },
  },
  {
    name: 'div-mul',
    summary: 'Mul of 1/x: one Div',
    inputs: X,
    steps: [{ id: 'recip', op: 'Div', slots: [exact(1), ref('x')] }, { id: 'mul', op: 'Mul', slots: [ref('recip'), weight('any')] }],
    targets: { onnxruntime: ['DivMulFusion'] },
  },
  {
    name: 'div-mul-not-one',
    summary: 'Mul of 2/x: the numerator is not 1',
    inputs: X,
    steps: [{ id: 'recip', op: 'Div', slots: [exact(2), ref('x')] }, { id: 'mul', op: 'Mul', slots: [ref('recip'), weight('any')] }],
    targets: {},
    nearMiss: { of: 'div-mul', why: 'the numerator is 2, not 1' },
  },
  {
    name: 'not-where',
    summary: 'Not feeding Where: the Not goes and the branches swap',
    inputs: X,
    steps: [
      { id: 'cond', op: 'Greater', slots: [ref('x'), exact(0)] },
      { id: 'not', op: 'Not', slots: [ref('cond')], dtype: 'bool' },
      { id: 'where', op: 'Where', slots: [ref('not'), ref('x'), weight('any')] },
    ],
    targets: { onnxruntime: ['NotWhereFusion'] },
  },
  {
    name: 'not-where-shared',
    summary: 'Not feeding two Wheres: the Not must stay for the second, or both swap',
    inputs: X,
    steps: [
      { id: 'cond', op: 'Greater', slots: [ref('x'), exact(0)] },
      { id: 'not', op: 'Not', slots: [ref('cond')], dtype: 'bool' },
      { id: 'where', op: 'Where', slots: [ref('not'), ref('x'), weight('any')] },
      { id: 'where2', op: 'Where', slots: [ref('not'), weight('any'), ref('x')] },
    ],
    targets: {},
    nearMiss: { of: 'not-where', why: 'the Not output has a second consumer' },
  },
  {
    name: 'transpose-inverse-pair',
    summary: 'Transpose NCHW to NHWC, Relu, and back: the transposes cancel',
    inputs: [{ name: 'x', rank: [4, 4] }],
    steps: [
      { id: 't1', op: 'Transpose', slots: [ref('x')], attrs: { perm: [0, 2, 3, 1] } },
      { id: 'act', op: 'Relu', slots: [ref('t1')] },
      { id: 't2', op: 'Transpose', slots: [ref('act')], attrs: { perm: [0, 3, 1, 2] } },
    ],
    targets: { onnxruntime: ['TransposeOptimizer'] },
  },
  {
    name: 'transpose-composed-pair',
    summary: 'Two Transposes around a Relu that do not cancel: pushed through the Relu and merged into one',
    inputs: [{ name: 'x', rank: [4, 4] }],
    steps: [
      { id: 't1', op: 'Transpose', slots: [ref('x')], attrs: { perm: [0, 2, 3, 1] } },
      { id: 'act', op: 'Relu', slots: [ref('t1')] },
      { id: 't2', op: 'Transpose', slots: [ref('act')], attrs: { perm: [0, 2, 3, 1] } },
    ],
    targets: { onnxruntime: ['TransposeOptimizer'] },
  },
];
