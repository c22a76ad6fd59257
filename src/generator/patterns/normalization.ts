import { exact, freshInput, ref, weight, type Pattern, type PatternStep } from './pattern.js';

const X = [{ name: 'x', rank: [2, 5] as const }];
const LAST = { axes: [-1], keepdims: 1 };
const EPSILON = Math.fround(1e-5);
/** A 1-D constant over the last dim (LayerNorm's scale and bias). */
const lastDim = () => weight((d) => [d('x', -1)]);

/** LayerNorm decomposed over the last axis, squaring with Pow(., exponent). */
function layerNorm(exponent: number): PatternStep[] {
  return [
    { id: 'mean', op: 'ReduceMean', slots: [ref('x')], attrs: LAST },
    { id: 'dev', op: 'Sub', slots: [ref('x'), ref('mean')] },
    { id: 'sq', op: 'Pow', slots: [ref('dev'), exact(exponent)] },
    { id: 'var', op: 'ReduceMean', slots: [ref('sq')], attrs: LAST },
    { id: 'eps', op: 'Add', slots: [ref('var'), exact(EPSILON)] },
    { id: 'std', op: 'Sqrt', slots: [ref('eps')] },
    { id: 'norm', op: 'Div', slots: [ref('dev'), ref('std')] },
    { id: 'scale', op: 'Mul', slots: [ref('norm'), lastDim()] },
    { id: 'shift', op: 'Add', slots: [ref('scale'), lastDim()] },
  ];
}

/** RMS normalization decomposed over the last axis. */
function simplifiedLayerNorm(exponent: number): PatternStep[] {
  return [
    { id: 'sq', op: 'Pow', slots: [ref('x'), exact(exponent)] },
    { id: 'ms', op: 'ReduceMean', slots: [ref('sq')], attrs: LAST },
    { id: 'eps', op: 'Add', slots: [ref('ms'), exact(EPSILON)] },
    { id: 'rms', op: 'Sqrt', slots: [ref('eps')] },
    { id: 'norm', op: 'Div', slots: [ref('x'), ref('rms')] },
    { id: 'scale', op: 'Mul', slots: [ref('norm'), lastDim()] },
  ];
}

// ReduceMean takes its axes as an attribute up to opset 17 (an input from 18).
const REDUCE_AXES_ATTR: readonly [number, number] = [13, 17];

export const NORMALIZATION_PATTERNS: readonly Pattern[] = [
  {
    name: 'layernorm',
    summary: 'LayerNormalization decomposed (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add): one LayerNormalization',
    inputs: X,
    steps: layerNorm(2),
    targets: { onnxruntime: ['LayerNormFusion'] },
    opsets: REDUCE_AXES_ATTR,
  },
  {
    name: 'layernorm-pow3',
    summary: 'The decomposed LayerNorm with a cube where the square belongs',
    inputs: X,
    steps: layerNorm(3),
    targets: {},
    nearMiss: { of: 'layernorm', why: 'the exponent is 3, not 2' },
    opsets: REDUCE_AXES_ATTR,
  },
  {
    name: 'simplified-layernorm',
    summary: 'RMS normalization decomposed (Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul): one SimplifiedLayerNormalization',
    inputs: X,
    steps: simplifiedLayerNorm(2),
    targets: { onnxruntime: ['SimplifiedLayerNormFusion'] },
    opsets: REDUCE_AXES_ATTR,
  },
  {
    name: 'simplified-layernorm-pow3',
    summary: 'The decomposed RMS normalization with a cube where the square belongs',
    inputs: X,
    steps: simplifiedLayerNorm(3),
    targets: {},
    nearMiss: { of: 'simplified-layernorm', why: 'the exponent is 3, not 2' },
    opsets: REDUCE_AXES_ATTR,
  },
  {
    name: 'skip-layernorm',
    summary: 'Add of two 3-D values then LayerNormalization over the last axis: one SkipLayerNormalization',
    inputs: [{ name: 'x', rank: [3, 3] }],
    steps: [
      { id: 'skip', op: 'Add', slots: [ref('x'), freshInput((d) => [d('x', 0), d('x', 1), d('x', 2)])] },
      { id: 'ln', op: 'LayerNormalization', slots: [ref('skip'), lastDim(), lastDim()], attrs: { axis: -1 } },
    ],
    targets: { onnxruntime: ['SkipLayerNormFusion'] },
  },
];
