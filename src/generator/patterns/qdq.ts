import type { DType } from '../../ir/dtype.js';
import { exact, present, ref, weight, type DimOf, type Pattern, type PatternStep, type StepSlot } from './pattern.js';

/**
 * QDQ node units: DequantizeLinear on each input of an op, the op, QuantizeLinear on its output, as
 * quantization tools write a quantized model in float ONNX. onnxruntime's QDQ selectors match them
 * (onnxruntime/core/optimizer/qdq_transformer/) and fuse each unit into the quantized op
 * (QLinearConv, QLinearMatMul, com.microsoft QLinearAdd...), or drop the DQ/Q pair around an op that
 * only moves values (MaxPool, Reshape, Transpose). Scales and zero points are exact constants, the
 * same ones on both sides where the rewrite asks for that; they are not powers of two, so that
 * requantized sums rarely land on a tie (which the checks would distrust).
 */

const X4 = [{ name: 'x', rank: [4, 4] as const }];
const X = [{ name: 'x', rank: [1, 4] as const }];

/** A zero point of the given type: an exact scalar constant. */
const zeroPoint = (value: number, dtype: DType = 'uint8'): StepSlot => ({ exact: [value], dtype });

/** Quantize `from` (float32) with scale `s` and zero point `z`, then dequantize back: the step `id` is the float result. */
function qdq(id: string, from: string, s: number, z: number, dtype: DType = 'uint8'): PatternStep[] {
  return [
    { id: `${id}_q`, op: 'QuantizeLinear', slots: [ref(from), exact(s), zeroPoint(z, dtype)] },
    { id, op: 'DequantizeLinear', slots: [ref(`${id}_q`), exact(s), zeroPoint(z, dtype)], dtype },
  ];
}

/** A quantized constant (int8 weights, symmetric: zero point 0) dequantized: the step `id`. */
function dequantizedWeight(id: string, dims: (d: DimOf) => readonly (ReturnType<DimOf> | number | undefined)[], s: number): PatternStep {
  return { id, op: 'DequantizeLinear', slots: [weight(dims), exact(s), zeroPoint(0, 'int8')], dtype: 'int8' };
}

/** The common head and tail: x quantized and dequantized, the op's steps, its output quantized and dequantized. */
function unit(op: readonly PatternStep[], outScale: number, outZero: number): PatternStep[] {
  return [...qdq('dx', 'x', 0.05, 8), ...op, ...qdq('y', op[op.length - 1]!.id, outScale, outZero)];
}

const POOL_2X2 = { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] };

export const QDQ_PATTERNS: readonly Pattern[] = [
  {
    name: 'qdq-conv',
    summary: 'DQ(x), DQ(int8 W) -> Conv -> Q -> DQ: one QLinearConv',
    inputs: X4,
    steps: unit([dequantizedWeight('w', (d) => [undefined, d('x', 1), undefined, undefined], 0.02), { id: 'conv', op: 'Conv', slots: [ref('dx'), ref('w')], attrs: { group: 1 } }], 0.1, 16),
    targets: { onnxruntime: ['QDQSelectorActionTransformer:QLinearConv'] },
  },
  {
    name: 'qdq-matmul',
    summary: 'DQ(a), DQ(int8 B) -> MatMul -> Q -> DQ: one QLinearMatMul',
    inputs: X,
    steps: unit([dequantizedWeight('b', (d) => [d('x', -1), undefined], 0.02), { id: 'matmul', op: 'MatMul', slots: [ref('dx'), ref('b')] }], 0.1, 16),
    targets: { onnxruntime: ['QDQSelectorActionTransformer:QLinearMatMul'] },
  },
  {
    name: 'qdq-add',
    summary: 'DQ(a), DQ(b) -> Add -> Q -> DQ: one com.microsoft QLinearAdd',
    inputs: X,
    steps: unit([...qdq('db', 'x', 0.03, 4), { id: 'add', op: 'Add', slots: [ref('dx'), ref('db')] }], 0.07, 12),
    targets: { onnxruntime: ['QDQSelectorActionTransformer:QLinearAdd'] },
  },
  {
    name: 'qdq-relu',
    summary: 'DQ -> Relu -> Q with the zero point at the bottom of uint8: the Relu is dropped (the Q clamps the same)',
    inputs: X,
    steps: unit([{ id: 'relu', op: 'Relu', slots: [ref('dx')] }], 0.05, 0),
    targets: { onnxruntime: ['ReluQuantFusion'] },
  },
  {
    name: 'qdq-maxpool',
    summary: 'DQ -> MaxPool -> Q with the same scale and zero point: the DQ and Q go, MaxPool runs on uint8',
    inputs: X4,
    steps: unit([{ id: 'pool', op: 'MaxPool', slots: [ref('dx')], attrs: { ...POOL_2X2, dilations: [1, 1], storage_order: 0, ceil_mode: 0 } }], 0.05, 8),
    targets: { onnxruntime: ['QDQPairRemoval'] },
  },
  {
    name: 'qdq-averagepool',
    summary: 'DQ -> AveragePool -> Q: one com.microsoft QLinearAveragePool',
    inputs: X4,
    steps: unit([{ id: 'pool', op: 'AveragePool', slots: [ref('dx')], attrs: { ...POOL_2X2, ceil_mode: 0 } }], 0.05, 8),
    targets: { onnxruntime: ['QDQSelectorActionTransformer:QLinearAveragePool'] },
  },
  {
    name: 'qdq-concat',
    summary: 'DQ(a), DQ(b) -> Concat -> Q -> DQ: one com.microsoft QLinearConcat',
    inputs: X,
    steps: unit([...qdq('db', 'x', 0.03, 4), { id: 'concat', op: 'Concat', slots: [ref('dx'), ref('db')], attrs: { axis: 0 } }], 0.07, 12),
    targets: { onnxruntime: ['QDQSelectorActionTransformer:QLinearConcat'] },
  },
  {
    name: 'qdq-reshape',
    summary: 'DQ -> Reshape -> Q with the same scale and zero point: the DQ and Q go',
    inputs: X,
    steps: unit([{ id: 'reshape', op: 'Reshape', slots: [ref('dx'), present] }], 0.05, 8),
    targets: { onnxruntime: ['QDQPairRemoval'] },
  },
  {
    name: 'qdq-transpose',
    summary: 'DQ -> Transpose -> Q with the same scale and zero point: the DQ and Q go',
    inputs: X4,
    steps: unit([{ id: 'transpose', op: 'Transpose', slots: [ref('dx')], attrs: { perm: [0, 2, 3, 1] } }], 0.05, 8),
    targets: { onnxruntime: ['QDQPairRemoval'] },
  },
  {
    name: 'qlinearconv-nhwc',
    summary: 'Q -> QLinearConv (uint8) -> DQ: at level all the QLinearConv goes to NHWC (com.microsoft QLinearConv between Transposes)',
    inputs: X4,
    steps: [
      { id: 'q', op: 'QuantizeLinear', slots: [ref('x'), exact(0.05), zeroPoint(8)] },
      {
        id: 'conv',
        op: 'QLinearConv',
        // w's zero point takes w's type, whichever 8-bit type w was drawn in.
        slots: [ref('q'), exact(0.05), zeroPoint(8), weight((d) => [undefined, d('x', 1), undefined, undefined]), exact(0.02), exact(0), exact(0.1), zeroPoint(16)],
        attrs: { group: 1 },
        dtype: 'uint8',
      },
      { id: 'y', op: 'DequantizeLinear', slots: [ref('conv'), exact(0.1), zeroPoint(16)], dtype: 'uint8' },
    ],
    targets: { onnxruntime: ['NhwcTransformer:QLinearConv'] },
  },
  {
    name: 'qdq-double',
    summary: 'Q -> DQ -> Q -> DQ with equal parameters: the middle DQ -> Q pair is removed',
    inputs: X,
    steps: [...qdq('a', 'x', 0.05, 8), ...qdq('b', 'a', 0.05, 8)],
    targets: { onnxruntime: ['QDQPairRemoval'] },
  },
];
