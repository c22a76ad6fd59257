import { exact, freshInput, omit, ref, weight, type Pattern, type PatternStep } from './pattern.js';

const X2 = [{ name: 'x', rank: [2, 2] as const }];
/** MatMul by a constant 2-D weight, as MatMulAddFusion needs it. */
const matmul: PatternStep = { id: 'mm', op: 'MatMul', slots: [ref('x'), weight((d) => [d('x', -1), undefined])] };
/** A 1-D constant bias over the last dim. */
const bias = (of: string) => weight((d) => [d(of, -1)]);
const gemm: PatternStep = { id: 'gemm', op: 'Gemm', slots: [ref('x'), weight(), weight()] };

export const MATMUL_PATTERNS: readonly Pattern[] = [
  {
    name: 'matmul-add-bias',
    summary: 'MatMul by a 2-D constant then Add of a 1-D constant bias: one Gemm',
    inputs: X2,
    steps: [matmul, { id: 'add', op: 'Add', slots: [ref('mm'), bias('mm')] }],
    targets: { onnxruntime: ['MatMulAddFusion'], tfjs: ['fused.matMul+bias'] },
  },
  {
    name: 'matmul-add-bias-relu',
    summary: 'MatMul, 1-D bias, Relu: a Gemm, then FusedGemm with the activation',
    inputs: X2,
    steps: [matmul, { id: 'add', op: 'Add', slots: [ref('mm'), bias('mm')] }, { id: 'act', op: 'Relu', slots: [ref('add')] }],
    targets: { onnxruntime: ['MatMulAddFusion', 'GemmActivationFusion'], tfjs: ['fused.matMul+bias+relu'] },
  },
  {
    name: 'matmul-sigmoid',
    summary: 'MatMul then Sigmoid (tfjs fuses the activation into matMul)',
    inputs: X2,
    steps: [matmul, { id: 'act', op: 'Sigmoid', slots: [ref('mm')] }],
    targets: { tfjs: ['fused.matMul+sigmoid'] },
  },
  {
    name: 'gemm-relu',
    summary: 'Gemm then Relu: FusedGemm',
    inputs: X2,
    steps: [gemm, { id: 'act', op: 'Relu', slots: [ref('gemm')] }],
    targets: { onnxruntime: ['GemmActivationFusion'], tfjs: ['fused.matMul+bias+relu'] },
  },
  {
    name: 'gemm-leakyrelu',
    summary: 'Gemm then LeakyRelu: FusedGemm with alpha',
    inputs: X2,
    steps: [gemm, { id: 'act', op: 'LeakyRelu', slots: [ref('gemm')] }],
    targets: { onnxruntime: ['GemmActivationFusion'], tfjs: ['fused.matMul+bias+leakyrelu'] },
  },
  {
    name: 'gemm-transpose',
    summary: 'Transpose [1,0] feeding Gemm: folded into transA',
    inputs: X2,
    steps: [{ id: 't', op: 'Transpose', slots: [ref('x')], attrs: { perm: [1, 0] } }, { id: 'gemm', op: 'Gemm', slots: [ref('t'), weight(), weight()] }],
    targets: { onnxruntime: ['GemmTransposeFusion'] },
  },
  {
    name: 'gemm-sum',
    summary: 'Gemm without C then Sum with a same-shape value: the value becomes C',
    inputs: X2,
    steps: [
      { id: 'gemm', op: 'Gemm', slots: [ref('x'), weight(), omit] },
      { id: 'sum', op: 'Sum', slots: [ref('gemm'), weight((d) => [d('gemm', 0), d('gemm', 1)])] },
    ],
    targets: { onnxruntime: ['GemmSumFusion'] },
  },
  {
    name: 'matmul-scale-output',
    summary: 'MatMul then Mul by a scalar constant: FusedMatMul with alpha',
    inputs: X2,
    steps: [{ id: 'mm', op: 'MatMul', slots: [ref('x'), weight()] }, { id: 'scale', op: 'Mul', slots: [ref('mm'), exact(0.125)] }],
    targets: { onnxruntime: ['MatMulScaleFusion'] },
  },
  {
    name: 'matmul-scale-input',
    summary: 'Mul by a scalar constant feeding MatMul: FusedMatMul with alpha',
    inputs: [{ name: 'x', rank: [2, 3] }],
    steps: [{ id: 'scale', op: 'Mul', slots: [ref('x'), exact(0.5)] }, { id: 'mm', op: 'MatMul', slots: [ref('scale'), weight()] }],
    targets: { onnxruntime: ['MatMulScaleFusion'] },
  },
  {
    name: 'matmul-scale-vector',
    summary: 'MatMul then Mul by a 1-D constant: not a scale',
    inputs: X2,
    steps: [{ id: 'mm', op: 'MatMul', slots: [ref('x'), weight()] }, { id: 'scale', op: 'Mul', slots: [ref('mm'), weight((d) => [d('mm', -1)])] }],
    targets: {},
    nearMiss: { of: 'matmul-scale-output', why: 'the factor is a vector, not a scalar' },
  },
  {
    name: 'matmul-transpose',
    summary: 'Transpose of the last two dims feeding MatMul: FusedMatMul with transA',
    inputs: [{ name: 'x', rank: [3, 3] }],
    steps: [{ id: 't', op: 'Transpose', slots: [ref('x')], attrs: { perm: [0, 2, 1] } }, { id: 'mm', op: 'MatMul', slots: [ref('t'), freshInput((d) => [d('t', 0), d('t', 2), undefined])] }],
    targets: { onnxruntime: ['MatmulTransposeFusion'] },
  },
  {
    name: 'matmul-transpose-batch',
    summary: 'A Transpose that swaps the batch and row dims feeding MatMul: FusedMatMul with transBatchA',
    inputs: [{ name: 'x', rank: [3, 3] }],
    steps: [{ id: 't', op: 'Transpose', slots: [ref('x')], attrs: { perm: [1, 0, 2] } }, { id: 'mm', op: 'MatMul', slots: [ref('t'), freshInput((d) => [d('t', 0), d('t', 2), undefined])] }],
    targets: { onnxruntime: ['MatmulTransposeFusion'] },
  },
];
