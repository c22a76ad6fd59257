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
  Relu: ['int64', 'int16'],
  // Registered for float32, float64 and uint8 only.
  DepthToSpace: ['int32', 'int64', 'bool', 'int16', 'uint16', 'uint32', 'uint64', 'int8', 'uint8'],
  SpaceToDepth: ['int32', 'int64', 'bool', 'int16', 'uint16', 'uint32', 'uint64'],
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
  Where: ['bool', 'int8', 'int16', 'uint16', 'uint32', 'uint64'],
  // Registered for float32 only (Conv above likewise).
  ConvTranspose: ['float64'],
  InstanceNormalization: ['float64'],
  AveragePool: ['float64'],
  LpPool: ['float64'],
  GlobalAveragePool: ['float64'],
  GlobalMaxPool: ['float64'],
  // Registered for float32/float64 only.
  Gemm: ['int32', 'int64', 'uint32', 'uint64'],
  // Registered for float32, int32, int8 and uint8 only.
  Resize: ['float64', 'int64', 'bool', 'int16', 'uint16', 'uint32', 'uint64'],
  // The 8- and 16-bit and unsigned integer types onnxruntime registers no kernel for (probed the same
  // way; float16 always loads: onnxruntime casts a float16 node it has no kernel for to float32).
  ArgMax: ['int16', 'uint16', 'uint32', 'uint64'],
  ArgMin: ['int16', 'uint16', 'uint32', 'uint64'],
  Clip: ['int16', 'uint16'],
  CumSum: ['uint32', 'uint64'],
  Max: ['int16', 'uint16'],
  Min: ['int16', 'uint16'],
  PRelu: ['uint32', 'uint64'],
  Pad: ['int16', 'uint16'],
  ReduceL1: ['uint32', 'uint64'],
  ReduceL2: ['uint32', 'uint64'],
  ReduceLogSum: ['uint32', 'uint64'],
  ReduceLogSumExp: ['uint32', 'uint64'],
  ReduceMax: ['uint32', 'uint64'],
  ReduceMean: ['uint32', 'uint64'],
  ReduceMin: ['uint32', 'uint64'],
  ReduceProd: ['uint32', 'uint64'],
  ReduceSum: ['uint32', 'uint64'],
  ReduceSumSquare: ['uint32', 'uint64'],
  Trilu: ['int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64'],
  // Registered for float32 only: RNN has no double kernel; GRU and LSTM load one that fails at run
  // time ('GRU operator does not support double yet'); GridSample-16 has none (onnxruntime 1.30).
  RNN: ['float64', 'float16'],
  GRU: ['float64'],
  LSTM: ['float64'],
  GridSample: ['float64'],
  // Registered without float64 (NonZero: bool, float32, int32, int64, uint8; MaxUnpool: float32).
  NonZero: ['float64', 'int8', 'int16', 'uint16', 'uint32', 'uint64'],
  MaxUnpool: ['float64'],
  // Registered for float32 only; MeanVarianceNormalization's float64 falls back to its function
  // body, whose float32 epsilon does not type-check against float64.
  ThresholdedRelu: ['float64'],
  Hardmax: ['float64'],
  LRN: ['float64'],
  MeanVarianceNormalization: ['float64'],
  GlobalLpPool: ['float64'],
  // Registered outputs: float32, float64, int32, int64 (and uint64); inputs likewise.
  EyeLike: ['bool', 'int8', 'int16', 'uint8', 'uint16', 'uint32'],
  // A few (indices, values, depth) combinations only: with the generator's float32 depth, float32
  // values take int32, int64 or float32 indices; int32 values only int64 indices.
  OneHot: ['float64', 'int32', 'int64', 'bool', 'int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64'],
  // The new ops' 8- and 16-bit, unsigned and float16 gaps (probed likewise).
  Einsum: ['int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64'],
  TopK: ['uint16', 'uint32', 'uint64'],
  BitShift: ['uint16'],
  // float16 loads without a reduction only: with add, mul, max or min there is no kernel.
  ScatterElements: ['float16'],
  ScatterND: ['float16'],
  // Registered for float (and float16 from 19) x only, not the int32 x that ONNX allows.
  QuantizeLinear: ['int32'],
};

/**
 * QLinearConv and QLinearMatMul: onnxruntime's kernels take an int8 x only with an int8 w, and
 * quantize y to x's own type (probed likewise: every other combination of the 8-bit types fails
 * with 'Could not find an implementation'). Their required inputs are x, x_scale, x_zero_point, w,
 * w_scale, w_zero_point, y_scale, y_zero_point.
 */
function ortQLinearSupports(dtypes: readonly DType[]): boolean {
  const [x, , , w, , , , y] = dtypes;
  return !(x === 'int8' && w === 'uint8') && (y === undefined || y === x);
}

/** The exponent types (Pow's T1) onnxruntime's CPU Pow takes, whatever the base (probed likewise). */
const ORT_POW_EXPONENTS: readonly DType[] = ['float32', 'float64', 'float16', 'int32', 'int64'];

/**
 * Further op/dtype combinations onnxruntime lacks below an opset (its kernels for an op's older
 * versions are registered for fewer types), found the same way with single-op models at each
 * older version's opset: op -> [the first opset that has them, the dtypes].
 */
export const ORT_CPU_UNSUPPORTED_BEFORE: Readonly<Record<string, readonly (readonly [opset: number, dtypes: readonly DType[]])[]>> = {
  Clip: [[12, ['float64']]],
  LeakyRelu: [[16, ['float64']]],
  Max: [[8, ['float64']]],
  Min: [[8, ['float64']]],
  MaxPool: [[8, ['float64']]],
  PRelu: [[16, ['float64', 'int32', 'int64']]],
};

let registry: OpRegistry | undefined;

/**
 * Whether onnxruntime has a kernel for the op with these input dtypes. The table lists dtypes of the
 * op's type variable T, not of every input: Where's bool condition or Pow's exponent type must not
 * make every Where or Pow unsupported.
 */
export function ortSupports(op: string, dtypes: readonly DType[], opset?: number): boolean {
  if (op === 'Pow' && dtypes[1] !== undefined && !ORT_POW_EXPONENTS.includes(dtypes[1])) return false;
  if ((op === 'QLinearConv' || op === 'QLinearMatMul') && !ortQLinearSupports(dtypes)) return false;
  const missing = ortMissingTypes(op, opset);
  if (missing.length === 0) return true;
  registry ??= builtinRegistry();
  const spec = (opset === undefined ? undefined : registry.find(op, opset)) ?? registry.versions(op).at(-1);
  if (!spec) return !dtypes.some((d) => missing.includes(d));
  return !missing.includes(typeVariable(spec, dtypes.map((dtype) => ({ dtype }))));
}

/** The dtypes of an op's type variable T that onnxruntime has no kernel for, at an opset (default: the latest). */
export function ortMissingTypes(op: string, opset?: number): DType[] {
  const older = opset === undefined ? [] : (ORT_CPU_UNSUPPORTED_BEFORE[op] ?? []).filter(([first]) => opset < first).flatMap(([, d]) => d);
  return [...(ORT_CPU_UNSUPPORTED[op] ?? []), ...older];
}
