import { activationGradients } from './activations.js';
import { argGradients } from './argmax.js';
import { binaryGradients } from './binary.js';
import { castGradients } from './cast.js';
import { clipGradients } from './clip.js';
import { compareGradients } from './compare.js';
import { convTransposeGradients } from './conv-transpose.js';
import { convGradients } from './conv.js';
import { cumSumGradients } from './cumsum.js';
import { gemmGradients } from './gemm.js';
import { indexingGradients } from './indexing.js';
import { logicalGradients } from './logical.js';
import { matmulGradients } from './matmul.js';
import { modGradients } from './mod.js';
import { movementGradients } from './movement.js';
import { normGradients } from './norm.js';
import { poolGradients } from './pool.js';
import { powGradients } from './pow.js';
import { preluGradients } from './prelu.js';
import { quantizeGradients } from './quantize.js';
import { recurrentGradients } from './recurrent.js';
import { lossGradients } from './loss.js';
import { gridSampleGradients } from './grid-sample.js';
import { reduceGradients } from './reduce.js';
import { resizeGradients } from './resize.js';
import { shapeGradients } from './shape.js';
import { softmaxGradients } from './softmax.js';
import { trigGradients } from './trig.js';
import { unaryGradients } from './unary.js';
import { variadicGradients } from './variadic.js';
import { whereGradients } from './where.js';
import { generatorGradients } from './generators.js';
import { selectionGradients } from './selection.js';
import { localNormGradients } from './local-norm.js';
import { GradientRegistry } from '../gradient.js';

/** The registry of every op's vector-Jacobian rule: one family file per kernel family. */
export function cpuGradients(): GradientRegistry {
  return new GradientRegistry([
    activationGradients,
    argGradients,
    binaryGradients,
    castGradients,
    clipGradients,
    compareGradients,
    convTransposeGradients,
    convGradients,
    cumSumGradients,
    gemmGradients,
    indexingGradients,
    logicalGradients,
    matmulGradients,
    modGradients,
    movementGradients,
    normGradients,
    poolGradients,
    powGradients,
    preluGradients,
    quantizeGradients,
    recurrentGradients,
    lossGradients,
    gridSampleGradients,
    reduceGradients,
    resizeGradients,
    shapeGradients,
    softmaxGradients,
    trigGradients,
    unaryGradients,
    variadicGradients,
    whereGradients,
    generatorGradients,
    selectionGradients,
    localNormGradients,
  ]);
}
