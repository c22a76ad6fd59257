import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

/**
 * The since-versions ONNX gives each op up to opset 21 (docs/Operators.md's version lists and
 * docs/Changelog.md), written down as data: at every opset from 7 to 21 the registry must hold the
 * spec of the version in force there, and none where ONNX does not define the op yet. Resize-10 and
 * 11 are the known exceptions (their attribute and input sets differ from 13's; not supported).
 */
const ONNX_SINCE_VERSIONS: Readonly<Record<string, readonly number[]>> = {
  Abs: [1, 6, 13],
  Acos: [7],
  Acosh: [9],
  Add: [1, 6, 7, 13, 14],
  And: [1, 7],
  ArgMax: [1, 11, 12, 13],
  ArgMin: [1, 11, 12, 13],
  Asin: [7],
  Asinh: [9],
  Atan: [7],
  Atanh: [9],
  AveragePool: [1, 7, 10, 11, 19],
  BatchNormalization: [1, 6, 7, 9, 14, 15],
  BitShift: [11],
  Cast: [1, 6, 9, 13, 19, 21],
  CastLike: [15, 19, 21],
  Ceil: [1, 6, 13],
  Celu: [12],
  Clip: [1, 6, 11, 12, 13],
  Compress: [9, 11],
  Concat: [1, 4, 11, 13],
  ConstantOfShape: [9, 20, 21],
  Conv: [1, 11],
  ConvTranspose: [1, 11],
  Cos: [7],
  Cosh: [9],
  CumSum: [11, 14],
  DepthToSpace: [1, 11, 13],
  Div: [1, 6, 7, 13, 14],
  Dropout: [1, 6, 7, 10, 12, 13],
  Einsum: [12],
  Elu: [1, 6],
  Equal: [1, 7, 11, 13, 19],
  Erf: [9, 13],
  Exp: [1, 6, 13],
  Expand: [8, 13],
  EyeLike: [9],
  Flatten: [1, 9, 11, 13, 21],
  Floor: [1, 6, 13],
  Gather: [1, 11, 13],
  GatherElements: [11, 13],
  GatherND: [11, 12, 13],
  Gelu: [20],
  Gemm: [1, 6, 7, 9, 11, 13],
  GlobalAveragePool: [1],
  GlobalLpPool: [1, 2],
  GlobalMaxPool: [1],
  Greater: [1, 7, 9, 13],
  GreaterOrEqual: [12, 16],
  GridSample: [16, 20],
  GRU: [1, 3, 7, 14],
  Hardmax: [1, 11, 13],
  HardSigmoid: [1, 6],
  HardSwish: [14],
  Identity: [1, 13, 14, 16, 19, 21],
  InstanceNormalization: [1, 6],
  IsInf: [10, 20],
  IsNaN: [9, 13, 20],
  LayerNormalization: [17],
  LeakyRelu: [1, 6, 16],
  Less: [1, 7, 9, 13],
  LessOrEqual: [12, 16],
  Log: [1, 6, 13],
  LogSoftmax: [1, 11, 13],
  LpPool: [1, 2, 11, 18],
  LRN: [1, 13],
  LSTM: [1, 7, 14],
  MatMul: [1, 9, 13],
  Max: [1, 6, 8, 12, 13],
  MaxPool: [1, 8, 10, 11, 12],
  MaxUnpool: [9, 11],
  Mean: [1, 6, 8, 13],
  MeanVarianceNormalization: [9, 13],
  Min: [1, 6, 8, 12, 13],
  Mod: [10, 13],
  Mul: [1, 6, 7, 13, 14],
  Neg: [1, 6, 13],
  NegativeLogLikelihoodLoss: [12, 13],
  NonZero: [9, 13],
  Not: [1],
  OneHot: [9, 11],
  Or: [1, 7],
  Pad: [1, 2, 11, 13, 18, 19, 21],
  Pow: [1, 7, 12, 13, 15],
  PRelu: [1, 6, 7, 9, 16],
  Range: [11],
  Reciprocal: [1, 6, 13],
  ReduceL1: [1, 11, 13, 18],
  ReduceL2: [1, 11, 13, 18],
  ReduceLogSum: [1, 11, 13, 18],
  ReduceLogSumExp: [1, 11, 13, 18],
  ReduceMax: [1, 11, 12, 13, 18, 20],
  ReduceMean: [1, 11, 13, 18],
  ReduceMin: [1, 11, 12, 13, 18, 20],
  ReduceProd: [1, 11, 13, 18],
  ReduceSum: [1, 11, 13],
  ReduceSumSquare: [1, 11, 13, 18],
  Relu: [1, 6, 13, 14],
  Reshape: [1, 5, 13, 14, 19, 21],
  Resize: [10, 11, 13, 18, 19],
  RNN: [1, 7, 14],
  Round: [11],
  Scatter: [9, 11],
  ScatterElements: [11, 13, 16, 18],
  ScatterND: [11, 13, 16, 18],
  Selu: [1, 6],
  Shape: [1, 13, 15, 19, 21],
  Shrink: [9],
  Sigmoid: [1, 6, 13],
  Sign: [9, 13],
  Sin: [7],
  Sinh: [9],
  Size: [1, 13, 19, 21],
  Slice: [1, 10, 11, 13],
  Softmax: [1, 11, 13],
  SoftmaxCrossEntropyLoss: [12, 13],
  Softplus: [1],
  Softsign: [1],
  SpaceToDepth: [1, 13],
  Split: [1, 2, 11, 13, 18],
  Sqrt: [1, 6, 13],
  Squeeze: [1, 11, 13, 21],
  Sub: [1, 6, 7, 13, 14],
  Sum: [1, 6, 8, 13],
  Tan: [7],
  Tanh: [1, 6, 13],
  ThresholdedRelu: [10],
  Tile: [1, 6, 13],
  TopK: [1, 10, 11],
  Transpose: [1, 13, 21],
  Trilu: [14],
  Unsqueeze: [1, 11, 13, 21],
  Where: [9, 16],
  Xor: [1, 7],
};

// Scatter-11 is ONNX's deprecation of Scatter (use ScatterElements): no spec from opset 11 on.
const UNSUPPORTED = new Set(['Resize-10', 'Resize-11', 'Scatter-11']);

/** The ONNX version of an op in force at an opset: the largest since-version not above it. */
function inForce(versions: readonly number[], opset: number): number | undefined {
  return versions.filter((v) => v <= opset).at(-1);
}

describe('opset coverage', () => {
  const registry = builtinRegistry();

  it('lists every registered op', () => {
    expect(registry.names()).toEqual(Object.keys(ONNX_SINCE_VERSIONS).sort());
  });

  for (const [op, versions] of Object.entries(ONNX_SINCE_VERSIONS)) {
    it(`${op} has the spec of the version in force at every opset from 7 to 21`, () => {
      for (let opset = 7; opset <= 21; opset++) {
        const version = inForce(versions, opset);
        const spec = registry.find(op, opset);
        if (version === undefined || UNSUPPORTED.has(`${op}-${version}`)) {
          expect(spec, `${op} at opset ${opset}`).toBeUndefined();
        } else {
          expect(spec?.sinceVersion, `${op} at opset ${opset}`).toBe(version);
        }
      }
    });
  }
});
