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
    { Pow: powKernel, Mod: modKernel, PRelu: preluKernel, Where: whereKernel },
    reduceKernels,
    softmaxKernels,
    argKernels,
    { CumSum: cumSumKernel },
    { Resize: resizeKernel },
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
    flattenKernels,
    squeezeKernels,
    gatherKernels,
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
  ]);
}
