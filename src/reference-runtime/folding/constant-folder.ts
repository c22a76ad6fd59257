import { makeTensor, type Tensor } from '../../ir/tensor.js';
import { tensorElementsProblem } from '../../ir/limits.js';
import { UserError } from '../../ir/errors.js';
import { inferConcrete } from '../../opspec/infer.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import type { OpRegistry } from '../../opspec/registry.js';
import type { ConstantFolder } from '../../export/shape-folding.js';
import type { KernelRegistry } from '../cpu/kernel.js';
import { cpuKernels } from '../cpu/kernels/index.js';
import { FOLD_ONLY_OPS } from './fold-only-ops.js';

/**
 * The constant folder the ONNX import uses (ImportOptions.fold): a node of an op the registry has
 * runs on its float64 CPU kernel, as the reference would run it; Size, Range and ConstantOfShape,
 * which only foreign models' shape subgraphs use, are computed directly. A shape reader's input
 * that is computed at run time is given as zeros of its static shape, since only its shape is read.
 */
export function cpuConstantFolder(registry: OpRegistry = builtinRegistry(), kernels: KernelRegistry = cpuKernels()): ConstantFolder {
  return (request) => {
    const spec = registry.find(request.op, request.opset);
    const kernel = kernels.find(request.op);
    // A tensor attribute of more than one element (which no spec declares) is computed directly too.
    if (!spec || !kernel || request.tensorAttrs.size > 0) return FOLD_ONLY_OPS[request.op]?.(request);
    const { outputs, attrs } = inferConcrete(spec, {
      inputs: request.types,
      attrs: request.attrs,
      constants: request.values,
      outputCount: request.outputCount,
      opset: request.opset,
    });
    outputs.forEach((o, i) => {
      const tooBig = tensorElementsProblem(o.shape);
      if (tooBig) throw new UserError(`node '${request.node}' (${request.op}): output ${i} ${tooBig}`);
    });
    const inputs: (Tensor | undefined)[] = request.values.map((v, i) => {
      const type = request.types[i];
      return v ?? (type ? makeTensor(type.dtype, type.shape) : undefined);
    });
    return kernel({ inputs, attrs, outputs });
  };
}
