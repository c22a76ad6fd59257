import { OpRegistry } from '../registry.js';
import type { OpSpec } from '../spec.js';
import { add, add13, add7, div, div13, div7, mul, mul13, mul7, sub, sub13, sub7 } from './binary.js';
import { equal13, equal19, greater, greaterOrEqual, less, lessOrEqual, OLDER_COMPARE_SPECS } from './compare.js';
import { and, or, xor } from './logical.js';
import { mod, OLDER_MOD_SPECS } from './mod.js';
import { pow, pow12, pow13, pow7 } from './pow.js';
import { OLDER_PRELU_SPECS, prelu } from './prelu.js';
import { max, mean, min, OLDER_VARIADIC_SPECS, sum } from './variadic.js';
import { where, where9 } from './where.js';
import { CONCAT_SPECS } from './concat.js';
import { CONV_SPECS } from './conv.js';
import { CONV_TRANSPOSE_SPECS } from './conv-transpose.js';
import { GEMM_SPECS } from './gemm.js';
import { BATCH_NORM_SPECS } from './batch-norm.js';
import { instanceNormalization } from './instance-norm.js';
import { layerNormalization } from './layer-norm.js';
import { AVERAGE_POOL_SPECS, globalAveragePool, globalMaxPool, LP_POOL_SPECS, MAX_POOL_SPECS } from './pool.js';
import { MATMUL_SPECS } from './matmul.js';
import { ARG_EXTREME_SPECS } from './argmax.js';
import { CUMSUM_SPECS } from './cumsum.js';
import { REDUCE_SPECS } from './reduce.js';
import { RESHAPE_SPECS } from './reshape.js';
import { resize13, resize18, resize19 } from './resize.js';
import { SOFTMAX_SPECS } from './softmax.js';
import { TRANSPOSE_SPECS } from './transpose.js';
import { DEPTH_SPACE_SPECS } from './depthtospace.js';
import { EXPAND_SPECS } from './expand.js';
import { FLATTEN_SPECS } from './flatten.js';
import { GATHER_SPECS } from './gather.js';
import { PAD_SPECS } from './pad.js';
import { SHAPE_SPECS } from './shape.js';
import { SLICE_SPECS } from './slice.js';
import { SPLIT_SPECS } from './split.js';
import { SQUEEZE_SPECS } from './squeeze.js';
import { TILE_SPECS } from './tile.js';
import { trilu } from './trilu.js';
import { celu, elu, gelu, hardSigmoid, hardSwish, leakyRelu, OLDER_ACTIVATION_SPECS, selu, softplus, softsign } from './activations.js';
import { cast13, cast19, cast21, cast6, cast9 } from './cast.js';
import { clip, OLDER_CLIP_SPECS } from './clip.js';
import { negativeLogLikelihoodLoss12, negativeLogLikelihoodLoss13, softmaxCrossEntropyLoss12, softmaxCrossEntropyLoss13 } from './loss.js';
import { gridSample16, gridSample20 } from './grid-sample.js';
import { gru14, gru7, lstm14, lstm7, rnn14, rnn7 } from './recurrent.js';
import { topK1, topK10, topK11 } from './topk.js';
import { nonZero9, nonZero13 } from './nonzero.js';
import { compress9, compress11 } from './compress.js';
import { scatter9, scatterElements11, scatterElements13, scatterElements16, scatterElements18 } from './scatter-elements.js';
import { scatterND11, scatterND13, scatterND16, scatterND18 } from './scatter-nd.js';
import { gatherND11, gatherND12, gatherND13 } from './gather-nd.js';
import { maxUnpool9, maxUnpool11 } from './maxunpool.js';
import { einsum } from './einsum.js';
import { bitShift } from './bitshift.js';
import { constantOfShape, constantOfShape20, constantOfShape9 } from './constant-of-shape.js';
import { size, size1, size13, size19 } from './size.js';
import { dropout10, dropout12, dropout13, dropout7 } from './dropout.js';
import { hardmax, hardmax1, hardmax11 } from './hardmax.js';
import { shrink, thresholdedRelu } from './thresholds.js';
import { eyeLike } from './eye-like.js';
import { range } from './range.js';
import { oneHot, oneHot9 } from './one-hot.js';
import { castLike, castLike15, castLike19 } from './cast-like.js';
import { globalLpPool, lrn, lrn1, meanVarianceNormalization, meanVarianceNormalization9 } from './local-norm.js';
import {
  dequantizeLinear10, dequantizeLinear13, dequantizeLinear19, dequantizeLinear21, dynamicQuantizeLinear,
  quantizeLinear10, quantizeLinear13, quantizeLinear19, quantizeLinear21,
} from './quantize.js';
import { convInteger, matMulInteger, qlinearConv, qlinearMatMul10, qlinearMatMul21 } from './qlinear.js';
import { acos, acosh, asin, asinh, atan, atanh, cos, cosh, sin, sinh, tan } from './trig.js';
import {
  abs, ceil, erf, exp, floor, identity16, identity19, identity21, isInf10, isInf20, isNaN13, isNaN20,
  log, neg, not, OLDER_UNARY_SPECS, reciprocal, relu, round, sigmoid, sign, sqrt, tanh,
} from './unary.js';

export const BUILTIN_SPECS: readonly OpSpec[] = [
  relu, sigmoid, tanh, abs, neg, exp, log, sqrt, reciprocal, erf, floor, ceil, round, sign, not,
  isNaN13, isNaN20, isInf10, isInf20, identity16, identity19, identity21, clip, cast6, cast9, cast13, cast19, cast21,
  leakyRelu, elu, selu, celu, gelu, hardSigmoid, hardSwish, softplus, softsign,
  sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
  add, sub, mul, div, add7, sub7, mul7, div7, add13, sub13, mul13, div13,
  pow, pow7, pow12, pow13, mod, max, min, sum, mean, prelu, where, where9,
  equal13, equal19, less, greater, lessOrEqual, greaterOrEqual, and, or, xor,
  ...MATMUL_SPECS, ...CONV_SPECS,
  ...GEMM_SPECS, ...CONV_TRANSPOSE_SPECS, ...BATCH_NORM_SPECS, instanceNormalization, layerNormalization,
  ...MAX_POOL_SPECS, ...AVERAGE_POOL_SPECS, ...LP_POOL_SPECS, globalAveragePool, globalMaxPool,
  ...RESHAPE_SPECS, ...TRANSPOSE_SPECS, ...CONCAT_SPECS, ...FLATTEN_SPECS, ...SQUEEZE_SPECS, ...SPLIT_SPECS, ...SLICE_SPECS,
  ...EXPAND_SPECS, ...TILE_SPECS, ...PAD_SPECS, ...GATHER_SPECS, trilu, ...DEPTH_SPACE_SPECS, ...SHAPE_SPECS,
  ...REDUCE_SPECS, ...ARG_EXTREME_SPECS, ...SOFTMAX_SPECS, ...CUMSUM_SPECS,
  resize13, resize18, resize19,
  quantizeLinear10, quantizeLinear13, quantizeLinear19, quantizeLinear21,
  dequantizeLinear10, dequantizeLinear13, dequantizeLinear19, dequantizeLinear21, dynamicQuantizeLinear,
  qlinearConv, qlinearMatMul10, qlinearMatMul21, matMulInteger, convInteger,
  // Versions older than the ones above (each file says how they differ).
  ...OLDER_UNARY_SPECS, ...OLDER_ACTIVATION_SPECS, ...OLDER_CLIP_SPECS, ...OLDER_COMPARE_SPECS, ...OLDER_VARIADIC_SPECS,
  ...OLDER_MOD_SPECS, ...OLDER_PRELU_SPECS,
  rnn7, rnn14, gru7, gru14, lstm7, lstm14,
  negativeLogLikelihoodLoss12, negativeLogLikelihoodLoss13, softmaxCrossEntropyLoss12, softmaxCrossEntropyLoss13,
  gridSample16, gridSample20,
  topK1, topK10, topK11, nonZero9, nonZero13, compress9, compress11,
  scatter9, scatterElements11, scatterElements13, scatterElements16, scatterElements18,
  scatterND11, scatterND13, scatterND16, scatterND18, gatherND11, gatherND12, gatherND13,
  maxUnpool9, maxUnpool11, einsum, bitShift,
  constantOfShape9, constantOfShape20, constantOfShape, size1, size13, size19, size,
  dropout7, dropout10, dropout12, dropout13, hardmax1, hardmax11, hardmax, thresholdedRelu, shrink,
  eyeLike, range, oneHot9, oneHot, castLike15, castLike19, castLike, lrn1, lrn,
  meanVarianceNormalization9, meanVarianceNormalization, globalLpPool,
];

/** The registry of every built-in operator spec. */
export function builtinRegistry(): OpRegistry {
  return new OpRegistry(BUILTIN_SPECS);
}
