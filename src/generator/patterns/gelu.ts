import { exact, freshInput, ref, weight, type Pattern, type PatternStep } from './pattern.js';

const X = [{ name: 'x', rank: [1, 5] as const }];
const SQRT2 = Math.fround(Math.SQRT2);

/** Gelu's Erf form on `of`: of * 0.5 * (1 + erf(of / sqrt(2))), with `divisor` for sqrt(2). */
function erfGelu(of: string, divisor = SQRT2): PatternStep[] {
  return [
    { id: 'div', op: 'Div', slots: [ref(of), exact(divisor)] },
    { id: 'erf', op: 'Erf', slots: [ref('div')] },
    { id: 'plus1', op: 'Add', slots: [ref('erf'), exact(1)] },
    { id: 'mul', op: 'Mul', slots: [ref(of), ref('plus1')] },
    { id: 'half', op: 'Mul', slots: [ref('mul'), exact(0.5)] },
  ];
}

export const GELU_PATTERNS: readonly Pattern[] = [
  {
    name: 'gelu-erf',
    summary: "Gelu's Erf form, the 0.5 last: one Gelu",
    inputs: X,
    steps: erfGelu('x'),
    targets: { onnxruntime: ['GeluFusion'] },
  },
  {
    name: 'gelu-erf-half-first',
    summary: "Gelu's Erf form with x halved first: one Gelu",
    inputs: X,
    steps: [
      { id: 'div', op: 'Div', slots: [ref('x'), exact(SQRT2)] },
      { id: 'erf', op: 'Erf', slots: [ref('div')] },
      { id: 'plus1', op: 'Add', slots: [ref('erf'), exact(1)] },
      { id: 'halfx', op: 'Mul', slots: [ref('x'), exact(0.5)] },
      { id: 'out', op: 'Mul', slots: [ref('halfx'), ref('plus1')] },
    ],
    targets: { onnxruntime: ['GeluFusion'] },
  },
  {
    name: 'gelu-erf-wrong-constant',
    summary: "Gelu's Erf form dividing by 1.5 instead of sqrt(2)",
    inputs: X,
    steps: erfGelu('x', 1.5),
    targets: {},
    nearMiss: { of: 'gelu-erf', why: 'the divisor is not sqrt(2)' },
  },
  {
    name: 'gelu-erf-shared',
    summary: "Gelu's Erf form with the Erf output also read by a Neg",
    inputs: X,
    steps: [...erfGelu('x'), { id: 'other', op: 'Neg', slots: [ref('erf')] }],
    targets: {},
    nearMiss: { of: 'gelu-erf', why: 'an inner value has a second consumer' },
  },
  {
    name: 'bias-gelu',
    summary: 'Add of a 1-D constant bias, then the Erf form of Gelu: one BiasGelu',
    inputs: X,
    steps: [{ id: 'biased', op: 'Add', slots: [ref('x'), weight((d) => [d('x', -1)])] }, ...erfGelu('biased')],
    // The Gelu the first fusion makes is taken into the BiasGelu: only the second shows.
    targets: { onnxruntime: ['BiasGeluFusion'] },
  },
  {
    name: 'fast-gelu-tanh',
    summary: "Gelu's tanh approximation with x^3 as Pow: one FastGelu",
    inputs: X,
    steps: [
      { id: 'cube', op: 'Pow', slots: [ref('x'), exact(3)] },
      { id: 'c1', op: 'Mul', slots: [ref('cube'), exact(Math.fround(0.044715))] },
      { id: 'inner', op: 'Add', slots: [ref('x'), ref('c1')] },
      { id: 'c2', op: 'Mul', slots: [ref('inner'), exact(Math.fround(0.7978845834732056))] },
      { id: 'tanh', op: 'Tanh', slots: [ref('c2')] },
      { id: 'plus1', op: 'Add', slots: [ref('tanh'), exact(1)] },
      { id: 'halfx', op: 'Mul', slots: [ref('x'), exact(0.5)] },
      { id: 'out', op: 'Mul', slots: [ref('halfx'), ref('plus1')] },
    ],
    targets: { onnxruntime: ['FastGeluFusion'] },
    unreached: 'onnxruntime 1.30 does not fuse this form (its ~exposed variant does fuse, and crashes: see the issue 14 notes)',
  },
  {
    name: 'quick-gelu',
    summary: 'x * sigmoid(1.702 x): one QuickGelu',
    inputs: X,
    steps: [
      { id: 'scaled', op: 'Mul', slots: [ref('x'), exact(Math.fround(1.702))] },
      { id: 'sig', op: 'Sigmoid', slots: [ref('scaled')] },
      { id: 'out', op: 'Mul', slots: [ref('x'), ref('sig')] },
    ],
    targets: { onnxruntime: ['QuickGeluFusion'] },
  },
  {
    name: 'quick-gelu-other-input',
    summary: 'y * sigmoid(1.702 x) with y another value of the same shape',
    inputs: [{ name: 'x', rank: [2, 2] }],
    steps: [
      { id: 'scaled', op: 'Mul', slots: [ref('x'), exact(Math.fround(1.702))] },
      { id: 'sig', op: 'Sigmoid', slots: [ref('scaled')] },
      { id: 'out', op: 'Mul', slots: [freshInput((d) => [d('x', 0), d('x', 1)]), ref('sig')] },
    ],
    targets: {},
    nearMiss: { of: 'quick-gelu', why: 'the product reads another value than the sigmoid does' },
  },
];
