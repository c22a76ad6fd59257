import { UserError } from '../../ir/errors.js';
import { tensorElementsProblem } from '../../ir/limits.js';
import { makeTensor, sizeOf, type Tensor } from '../../ir/tensor.js';
import type { FoldRequest } from '../../export/shape-folding.js';

/**
 * Ops tensorsmith does not generate or run, but which foreign models use to compute shapes (torch
 * exports Size and ConstantOfShape for x.new_zeros(x.size()), Range for arange over a dim): the
 * import evaluates them when their inputs are constants, and they never reach a model.
 */
export const FOLD_ONLY_OPS: Readonly<Record<string, (request: FoldRequest) => Tensor[]>> = {
  Size: ({ types }) => [makeTensor('int64', [], [sizeOf(types[0]!.shape)])],
  Range: rangeValues,
  ConstantOfShape: constantOfShapeValues,
};

/** Range: start + i * delta for i in [0, max(ceil((limit - start) / delta), 0)), in start's dtype. */
function rangeValues({ node, values }: FoldRequest): Tensor[] {
  const [start, limit, delta] = values;
  if (!start || !limit || !delta || [start, limit, delta].some((t) => t.data.length !== 1)) {
    throw new UserError(`node '${node}' (Range): start, limit and delta must be scalars`);
  }
  const s = start.data[0]!;
  const d = delta.data[0]!;
  if (d === 0) throw new UserError(`node '${node}' (Range): delta is 0, so the range never ends`);
  const count = Math.max(Math.ceil((limit.data[0]! - s) / d), 0);
  const tooBig = tensorElementsProblem([count]);
  if (tooBig) throw new UserError(`node '${node}' (Range): output ${tooBig}`);
  return [makeTensor(start.dtype, [count], Array.from({ length: count }, (_, i) => s + i * d))];
}

/** ConstantOfShape: a tensor of the input's dims filled with `value` (float32 0 when absent). */
function constantOfShapeValues({ node, values, tensorAttrs }: FoldRequest): Tensor[] {
  const dims = values[0];
  if (!dims || dims.shape.length !== 1) throw new UserError(`node '${node}' (ConstantOfShape): the input must be a 1-D int64 shape`);
  const shape = Array.from(dims.data);
  if (shape.some((x) => !Number.isSafeInteger(x) || x < 0)) throw new UserError(`node '${node}' (ConstantOfShape): dims [${shape.join(', ')}] must be non-negative integers`);
  const tooBig = tensorElementsProblem(shape);
  if (tooBig) throw new UserError(`node '${node}' (ConstantOfShape): output ${tooBig}`);
  const fill = tensorAttrs.get('value') ?? makeTensor('float32', [1], [0]);
  if (fill.data.length !== 1) throw new UserError(`node '${node}' (ConstantOfShape): attribute 'value' must hold one element, got ${fill.data.length}`);
  return [makeTensor(fill.dtype, shape, new Float64Array(sizeOf(shape)).fill(fill.data[0]!))];
}
