import { dtypeFromOnnx, onnxDataType, type DType } from '../../ir/dtype.js';
import { constValue, FALSE, rule, TRUE } from '../expr.js';
import { facts } from '../numeric.js';
import { bounded } from '../ranges.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';

const EYE_LIKE_OUTPUTS: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'uint64'];

/** The output dtype: the 'dtype' attribute's, else the input's. */
function outputDtype(ctx: SpecContext): DType | undefined {
  return ctx.has('dtype') ? dtypeFromOnnx(constValue(ctx.int('dtype'))!) : ctx.dtype;
}

/**
 * EyeLike-9: a 2-D tensor of the input's shape (its values are not read) with ones on the diagonal
 * shifted by k (upward for k > 0) and zeros elsewhere.
 */
export const eyeLike: OpSpec = {
  name: 'EyeLike',
  sinceVersion: 9,
  dtypes: ALL,
  inputs: [{ name: 'input', rank: () => 2 }],
  attrs: () => ({
    // Any dtype is valid; the generator draws the outputs onnxruntime registers (float32, float64,
    // int32, int64, uint64); imported models may name any.
    dtype: { kind: 'choice', choices: EYE_LIKE_OUTPUTS.map(onnxDataType), optional: true },
    k: { kind: 'choice', choices: [-3, -2, -1, 0, 1, 2, 3], default: 0 },
  }),
  requires: (ctx) => [rule('dtype names a dtype tensorsmith has', outputDtype(ctx) ? TRUE : FALSE)],
  outputs: (ctx) => [{ dtype: outputDtype(ctx)!, shape: ctx.inputs[0]!.shape }],
  // Ones and zeros wherever the input lies.
  numeric: facts({ range: bounded(0, 1, { integral: true }), exactness: { kind: 'steps' } }),
};
