import type { DType } from '../ir/dtype.js';
import { typeVariable } from '../opspec/context.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import type { OpRegistry } from '../opspec/registry.js';

/**
 * Op/dtype combinations onnxruntime's CPU execution provider has no kernel for ("Could not find an
 * implementation for ..."), found by loading a single-op model of every op x dtype of the registry on
 * onnxruntime-node 1.30. Data, not code: capability probing refines it.
 */
export const ORT_CPU_UNSUPPORTED: Readonly<Record<string, readonly DType[]>> = {
  Conv: ['float64'],
  Relu: ['int64'],
  // Registered for float32 and float64 only (and uint8 for DepthToSpace, which tensorsmith does not use).
  DepthToSpace: ['int32', 'int64', 'bool'],
  SpaceToDepth: ['int32', 'int64', 'bool'],
  // Elementwise float ops whose CPU kernels onnxruntime registers for float32 only.
  Acos: ['float64'],
  Acosh: ['float64'],
  Asin: ['float64'],
  Asinh: ['float64'],
  Atan: ['float64'],
  Atanh: ['float64'],
  Cosh: ['float64'],
  Sinh: ['float64'],
  Tan: ['float64'],
  Erf: ['float64'],
  Elu: ['float64'],
  Selu: ['float64'],
  HardSigmoid: ['float64'],
  Softplus: ['float64'],
  Softsign: ['float64'],
  // Expanded into its function body, which needs HardSigmoid (float32 only).
  HardSwish: ['float64'],
  // Expanded into its function body; approximate='none' needs Erf (float32 only), 'tanh' would run.
  Gelu: ['float64'],
  // Registered for float32 only.
  Mean: ['float64'],
  // Registered for float32/float64/int32/int64/uint8/string, not bool.
  Where: ['bool'],
  // Registered for float32 only (Conv above likewise).
  ConvTranspose: ['float64'],
  InstanceNormalization: ['float64'],
  AveragePool: ['float64'],
  LpPool: ['float64'],
  GlobalAveragePool: ['float64'],
  GlobalMaxPool: ['float64'],
  // Registered for float32/float64 (and unsigned ints), not int32/int64.
  Gemm: ['int32', 'int64'],
  // Registered for float32, int32, int8 and uint8 only.
  Resize: ['float64', 'int64', 'bool'],
  // Registered for float32 only; MeanVarianceNormalization's float64 falls back to its function
  // body, whose float32 epsilon does not type-check against float64.
  ThresholdedRelu: ['float64'],
  Hardmax: ['float64'],
  LRN: ['float64'],
  MeanVarianceNormalization: ['float64'],
  GlobalLpPool: ['float64'],
  // Registered outputs: float32, float64, int32, int64 (and uint64); inputs likewise.
  EyeLike: ['bool'],
  // A few (indices, values, depth) combinations only: with the generator's float32 depth, float32
  // values take int32, int64 or float32 indices; int32 values only int64 indices.
  OneHot: ['float64', 'int32', 'int64', 'bool'],
};

let registry: OpRegistry | undefined;

/**
 * Whether onnxruntime has a kernel for the op with these input dtypes. The table lists dtypes of the
 * op's type variable T, not of every input: Where's bool condition or Pow's exponent type must not
 * make every Where or Pow unsupported.
 */
export function ortSupports(op: string, dtypes: readonly DType[]): boolean {
  const missing = ORT_CPU_UNSUPPORTED[op];
  if (!missing) return true;
  registry ??= builtinRegistry();
  const spec = registry.versions(op).at(-1);
  if (!spec) return !dtypes.some((d) => missing.includes(d));
  return !missing.includes(typeVariable(spec, dtypes.map((dtype) => ({ dtype }))));
}
