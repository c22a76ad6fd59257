import { OpRegistry } from '../registry.js';
import type { OpSpec } from '../spec.js';
import { add, add13, add7, div, div13, div7, mul, mul13, mul7, sub, sub13, sub7 } from './binary.js';
import { equal13, equal19, greater, greaterOrEqual, less, lessOrEqual } from './compare.js';
import { and, or, xor } from './logical.js';
import { mod } from './mod.js';
import { pow, pow12, pow13, pow7 } from './pow.js';
import { prelu } from './prelu.js';
import { max, mean, min, sum } from './variadic.js';
import { where, where9 } from './where.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { convTranspose } from './conv-transpose.js';
import { gemm } from './gemm.js';
import { batchNormalization } from './batch-norm.js';
import { instanceNormalization } from './instance-norm.js';
import { layerNormalization } from './layer-norm.js';
import { averagePool, averagePool19, globalAveragePool, globalMaxPool, lpPool, lpPool18, maxPool } from './pool.js';
import { matmul } from './matmul.js';
import { argMax, argMin } from './argmax.js';
import { cumSum } from './cumsum.js';
import { REDUCE_SPECS } from './reduce.js';
import { reshape, reshape5 } from './reshape.js';
import { resize13, resize18, resize19 } from './resize.js';
import { logSoftmax, softmax } from './softmax.js';
import { transpose } from './transpose.js';
import { depthToSpace, spaceToDepth } from './depthtospace.js';
import { expand } from './expand.js';
import { flatten } from './flatten.js';
import { gather, gatherElements } from './gather.js';
import { pad13, pad18, pad19 } from './pad.js';
import { shape, shape13 } from './shape.js';
import { slice } from './slice.js';
import { split13, split18 } from './split.js';
import { squeeze, unsqueeze } from './squeeze.js';
import { tile } from './tile.js';
import { trilu } from './trilu.js';
import { celu, elu, gelu, hardSigmoid, hardSwish, leakyRelu, selu, softplus, softsign } from './activations.js';
import { cast13, cast19, cast21 } from './cast.js';
import {
  dequantizeLinear10, dequantizeLinear13, dequantizeLinear19, dequantizeLinear21, dynamicQuantizeLinear,
  quantizeLinear10, quantizeLinear13, quantizeLinear19, quantizeLinear21,
} from './quantize.js';
import { convInteger, matMulInteger, qlinearConv, qlinearMatMul10, qlinearMatMul21 } from './qlinear.js';
import { clip } from './clip.js';
import { acos, acosh, asin, asinh, atan, atanh, cos, cosh, sin, sinh, tan } from './trig.js';
import {
  abs, ceil, erf, exp, floor, identity16, identity19, identity21, isInf10, isInf20, isNaN13, isNaN20,
  log, neg, not, reciprocal, relu, round, sigmoid, sign, sqrt, tanh,
} from './unary.js';

export const BUILTIN_SPECS: readonly OpSpec[] = [
  relu, sigmoid, tanh, abs, neg, exp, log, sqrt, reciprocal, erf, floor, ceil, round, sign, not,
  isNaN13, isNaN20, isInf10, isInf20, identity16, identity19, identity21, clip, cast13, cast19, cast21,
  leakyRelu, elu, selu, celu, gelu, hardSigmoid, hardSwish, softplus, softsign,
  sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
  add, sub, mul, div, add7, sub7, mul7, div7, add13, sub13, mul13, div13,
  pow, pow7, pow12, pow13, mod, max, min, sum, mean, prelu, where, where9,
  equal13, equal19, less, greater, lessOrEqual, greaterOrEqual, and, or, xor,
  matmul, conv,
  gemm, convTranspose, batchNormalization, instanceNormalization, layerNormalization,
  maxPool, averagePool, averagePool19, lpPool, lpPool18, globalAveragePool, globalMaxPool,
  reshape5, reshape, transpose, concat, flatten, squeeze, unsqueeze, split13, split18, slice, expand, tile,
  pad13, pad18, pad19, gather, gatherElements, trilu, depthToSpace, spaceToDepth, shape13, shape,
  ...REDUCE_SPECS, argMax, argMin, softmax, logSoftmax, cumSum,
  resize13, resize18, resize19,
  quantizeLinear10, quantizeLinear13, quantizeLinear19, quantizeLinear21,
  dequantizeLinear10, dequantizeLinear13, dequantizeLinear19, dequantizeLinear21, dynamicQuantizeLinear,
  qlinearConv, qlinearMatMul10, qlinearMatMul21, matMulInteger, convInteger,
];

/** The registry of every built-in operator spec. */
export function builtinRegistry(): OpRegistry {
  return new OpRegistry(BUILTIN_SPECS);
}
