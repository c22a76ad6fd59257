import { dtypeFromOnnx, onnxDataType, type DType } from '../../ir/dtype.js';
import { constValue, FALSE, rule, TRUE } from '../expr.js';
import { facts } from '../numeric.js';
import { bounded } from '../ranges.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';

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
    // Any dtype is valid; onnxruntime has no bool output, so the generator draws the others.
    dtype: { kind: 'choice', choices: ALL.filter((d) => d !== 'bool').map(onnxDataType), optional: true },
    k: { kind: 'choice', choices: [-3, -2, -1, 0, 1, 2, 3], default: 0 },
  }),
  requires: (ctx) => [rule('dtype names a dtype tensorsmith has', outputDtype(ctx) ? TRUE : FALSE)],
  outputs: (ctx) => [{ dtype: outputDtype(ctx)!, shape: ctx.inputs[0]!.shape }],
  // Ones and zeros wherever the input lies.
  numeric: facts({ range: bounded(0, 1, { integral: true }), exactness: { kind: 'steps' } }),
};
