import { eq, type IntExpr } from '../../opspec/expr.js';
import { exact, freshInput, ref, weight, type Pattern, type PatternStep } from './pattern.js';

/** Conv over a 4-D NCHW input: what FusedConv, the Conv+Add/Mul/BN folds and tfjs's fused conv2d take. */
const X4 = [{ name: 'x', rank: [4, 4] as const }];
const conv: PatternStep = { id: 'conv', op: 'Conv', slots: [ref('x'), weight()] };
/** A per-channel constant of shape [C, 1, 1], C the conv's output channels. */
const perChannel = weight((d) => [d('conv', 1), 1, 1]);

/**
 * The activations onnxruntime's ConvActivationFusion folds into FusedConv, with the name tfjs's
 * fused conv2d gives the same activation where it has one (Clip(0, 6) is its relu6).
 */
const ACTIVATIONS: readonly { readonly name: string; readonly tfjs?: string; readonly step: PatternStep }[] = [
  { name: 'relu', tfjs: 'relu', step: { id: 'act', op: 'Relu', slots: [ref('conv')] } },
  { name: 'sigmoid', tfjs: 'sigmoid', step: { id: 'act', op: 'Sigmoid', slots: [ref('conv')] } },
  { name: 'tanh', step: { id: 'act', op: 'Tanh', slots: [ref('conv')] } },
  { name: 'leakyrelu', tfjs: 'leakyrelu', step: { id: 'act', op: 'LeakyRelu', slots: [ref('conv')] } },
  { name: 'hardsigmoid', step: { id: 'act', op: 'HardSigmoid', slots: [ref('conv')] } },
  { name: 'clip', tfjs: 'relu6', step: { id: 'act', op: 'Clip', slots: [ref('conv'), exact(0), exact(6)] } },
];

const convActivations: Pattern[] = ACTIVATIONS.map(({ name, tfjs, step }) => ({
  name: `conv-${name}`,
  summary: `Conv then ${step.op}: one FusedConv with the activation`,
  inputs: X4,
  steps: [conv, step],
  targets: { onnxruntime: ['ConvActivationFusion'], ...(tfjs ? { tfjs: [`fused.conv2d+${tfjs}`] } : {}) },
}));

/** The conv's output value, as a list of dims for an input of the same shape. */
const likeConv = (d: (v: string, a: number) => IntExpr) => [d('conv', 0), d('conv', 1), d('conv', 2), d('conv', 3)];

export const CONV_PATTERNS: readonly Pattern[] = [
  ...convActivations,
  {
    name: 'conv-add-bias',
    summary: 'Conv then Add of a constant [C,1,1]: folded into the conv bias',
    inputs: X4,
    steps: [conv, { id: 'add', op: 'Add', slots: [ref('conv'), perChannel] }],
    targets: { onnxruntime: ['ConvAddFusion'], tfjs: ['fused.conv2d+bias'] },
  },
  {
    name: 'conv-add-bias-fed',
    summary: 'Conv then Add of a fed [C,1,1] input: not a constant, so not foldable',
    inputs: X4,
    steps: [conv, { id: 'add', op: 'Add', slots: [ref('conv'), freshInput((d) => [d('conv', 1), 1, 1])] }],
    targets: {},
    nearMiss: { of: 'conv-add-bias', why: 'the bias is a graph input, not a constant' },
  },
  {
    name: 'conv-add-bias-swapped',
    summary: 'Add(constant [C,1,1], Conv): the bias in the first slot',
    inputs: X4,
    steps: [conv, { id: 'add', op: 'Add', slots: [perChannel, ref('conv')] }],
    targets: {},
    nearMiss: { of: 'conv-add-bias', why: 'the constant is in the other input slot' },
  },
  {
    name: 'conv-mul-scale',
    summary: 'Conv then Mul by a constant [C,1,1]: folded into the conv weights',
    inputs: X4,
    steps: [conv, { id: 'mul', op: 'Mul', slots: [ref('conv'), perChannel] }],
    targets: { onnxruntime: ['ConvMulFusion'] },
  },
  {
    name: 'conv-bn',
    summary: 'Conv then BatchNormalization with constant statistics: folded into the conv',
    inputs: X4,
    steps: [
      conv,
      {
        id: 'bn',
        op: 'BatchNormalization',
        slots: [ref('conv'), ...[0, 1, 2, 3].map(() => weight((d) => [d('conv', 1)]))],
        attrs: { training_mode: 0 },
      },
    ],
    targets: { onnxruntime: ['ConvBNFusion'] },
  },
  {
    name: 'conv-add-relu',
    summary: 'Conv, Add of a same-shape value (a residual), then Relu: FusedConv with its Sum input',
    inputs: X4,
    steps: [conv, { id: 'add', op: 'Add', slots: [ref('conv'), freshInput(likeConv)] }, { id: 'act', op: 'Relu', slots: [ref('add')] }],
    targets: { onnxruntime: ['ConvAddActivationFusion'] },
    unreached: 'the Add and Relu are folded by other rewrites (NCHWc at level all); no ConvAddActivationFusion shows in the diff',
  },
];

/** A conv whose output channels NCHWc blocks (a multiple of 8 and 16) and whose kernel it tiles. */
const nchwcConv: PatternStep = {
  id: 'conv',
  op: 'Conv',
  slots: [ref('x'), weight((d) => [16, d('x', 1), 3, 3])],
  attrs: { group: 1, pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1] },
  constraints: (_, d) => [eq(d('x', 2), d('x', 3))],
};

export const NCHWC_PATTERNS: readonly Pattern[] = [
  {
    name: 'nchwc-conv-relu',
    summary: 'A 16-channel 3x3 Conv then Relu: converted to NCHWc blocks with the activation fused',
    inputs: X4,
    steps: [nchwcConv, { id: 'act', op: 'Relu', slots: [ref('conv')] }],
    targets: { onnxruntime: ['NchwcTransformer:Conv'] },
  },
  {
    name: 'nchwc-conv-maxpool',
    summary: 'A 16-channel Conv then MaxPool: both in NCHWc',
    inputs: X4,
    steps: [nchwcConv, { id: 'pool', op: 'MaxPool', slots: [ref('conv')], attrs: { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], storage_order: 0, ceil_mode: 0 } }],
    targets: { onnxruntime: ['NchwcTransformer:MaxPool'] },
  },
  {
    name: 'nchwc-conv-avgpool',
    summary: 'A 16-channel Conv then AveragePool: both in NCHWc',
    inputs: X4,
    steps: [nchwcConv, { id: 'pool', op: 'AveragePool', slots: [ref('conv')], attrs: { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], ceil_mode: 0 } }],
    targets: { onnxruntime: ['NchwcTransformer:AveragePool'] },
  },
  {
    name: 'nchwc-conv-globalavgpool',
    summary: 'A 16-channel Conv then GlobalAveragePool: both in NCHWc',
    inputs: X4,
    steps: [nchwcConv, { id: 'pool', op: 'GlobalAveragePool', slots: [ref('conv')] }],
    targets: { onnxruntime: ['NchwcTransformer:GlobalAveragePool'] },
  },
  {
    name: 'nchwc-conv-add',
    summary: 'Two 16-channel Convs summed: NCHWc folds the Add into the second conv',
    inputs: X4,
    steps: [
      nchwcConv,
      { id: 'conv2', op: 'Conv', slots: [ref('x'), weight((d) => [16, d('x', 1), 3, 3])], attrs: { group: 1, pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1] } },
      { id: 'add', op: 'Add', slots: [ref('conv'), ref('conv2')] },
    ],
    targets: { onnxruntime: ['NchwcTransformer:Conv'] },
  },
];
