import { KernelRegistry } from '../kernel.js';
import { binaryKernels } from './binary.js';
import { compareKernels } from './compare.js';
import { logicalKernels } from './logical.js';
import { modKernel } from './mod.js';
import { powKernel } from './pow.js';
import { preluKernel } from './prelu.js';
import { variadicKernels } from './variadic.js';
import { whereKernel } from './where.js';
import { argKernels } from './argmax.js';
import { concatKernel } from './concat.js';
import { convKernel } from './conv.js';
import { convTransposeKernel } from './conv-transpose.js';
import { gemmKernel } from './gemm.js';
import { batchNormKernel } from './batch-norm.js';
import { instanceNormKernel } from './instance-norm.js';
import { layerNormKernel } from './layer-norm.js';
import { poolKernels } from './pool.js';
import { cumSumKernel } from './cumsum.js';
import { matmulKernel } from './matmul.js';
import { reduceKernels } from './reduce.js';
import { reshapeKernel } from './reshape.js';
import { resizeKernel } from './resize.js';
import { softmaxKernels } from './softmax.js';
import { transposeKernel } from './transpose.js';
import { depthToSpaceKernel, spaceToDepthKernel } from './depthtospace.js';
import { expandKernel } from './expand.js';
import { flattenKernels } from './flatten.js';
import { gatherKernels } from './gather.js';
import { padKernel } from './pad.js';
import { shapeKernel } from './shape.js';
import { sliceKernel } from './slice.js';
import { splitKernel } from './split.js';
import { squeezeKernels } from './squeeze.js';
import { tileKernel } from './tile.js';
import { triluKernel } from './trilu.js';
import { unaryKernels } from './unary.js';
import { activationKernels } from './activations.js';
import { castKernel } from './cast.js';
import { clipKernel } from './clip.js';
import { trigKernels } from './trig.js';
import { quantizeKernels } from './quantize.js';
import { qlinearKernels } from './qlinear.js';
import { recurrentKernels } from './recurrent/run.js';
import { lossKernels } from './loss.js';
import { gridSampleKernel } from './grid-sample.js';
import { topKKernel } from './topk.js';
import { compressKernel, nonZeroKernel } from './selection.js';
import { scatterKernels } from './scatter.js';
import { gatherNDKernel } from './gather-nd.js';
import { maxUnpoolKernel } from './maxunpool.js';
import { einsumKernel } from './einsum.js';
import { bitShiftKernel } from './bitshift.js';
import { constantOfShapeKernel, eyeLikeKernel, rangeKernel, sizeKernel } from './constants.js';
import { oneHotKernel } from './one-hot.js';
import { dropoutKernel } from './dropout.js';
import { hardmaxKernel } from './hardmax.js';
import { shrinkKernel, thresholdedReluKernel } from './thresholds.js';
import { castLikeKernel } from './cast-like.js';
import { globalLpPoolKernel, lrnKernel, mvnKernel } from './local-norm.js';

/** The registry of every float64 CPU kernel. */
export function cpuKernels(): KernelRegistry {
  return new KernelRegistry([
    unaryKernels,
    activationKernels,
    trigKernels,
    { Clip: clipKernel, Cast: castKernel },
    binaryKernels,
    compareKernels,
    logicalKernels,
    variadicKernels,
    { BitShift: bitShiftKernel, Pow: powKernel, Mod: modKernel, PRelu: preluKernel, Where: whereKernel },
    reduceKernels,
    softmaxKernels,
    argKernels,
    { CumSum: cumSumKernel },
    { Resize: resizeKernel, GridSample: gridSampleKernel },
    {
      MatMul: matmulKernel,
      Conv: convKernel,
      Reshape: reshapeKernel,
      Transpose: transposeKernel,
      Concat: concatKernel,
    },
    {
      Gemm: gemmKernel,
      ConvTranspose: convTransposeKernel,
      BatchNormalization: batchNormKernel,
      InstanceNormalization: instanceNormKernel,
      LayerNormalization: layerNormKernel,
    },
    poolKernels,
    recurrentKernels,
    lossKernels,
    flattenKernels,
    squeezeKernels,
    gatherKernels,
    scatterKernels,
    { TopK: topKKernel, NonZero: nonZeroKernel, Compress: compressKernel, GatherND: gatherNDKernel, MaxUnpool: maxUnpoolKernel, Einsum: einsumKernel },
    {
      Split: splitKernel,
      Slice: sliceKernel,
      Expand: expandKernel,
      Tile: tileKernel,
      Pad: padKernel,
      Trilu: triluKernel,
      DepthToSpace: depthToSpaceKernel,
      SpaceToDepth: spaceToDepthKernel,
      Shape: shapeKernel,
    },
    quantizeKernels,
    qlinearKernels,
    { ConstantOfShape: constantOfShapeKernel, Size: sizeKernel, Range: rangeKernel, EyeLike: eyeLikeKernel, OneHot: oneHotKernel },
    { Dropout: dropoutKernel, Hardmax: hardmaxKernel, ThresholdedRelu: thresholdedReluKernel, Shrink: shrinkKernel, CastLike: castLikeKernel },
    { LRN: lrnKernel, MeanVarianceNormalization: mvnKernel, GlobalLpPool: globalLpPoolKernel },
  ]);
}
