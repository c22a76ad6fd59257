import type { DType } from '../../ir/dtype.js';

/**
 * The dtype sets ONNX's type constraints are made of (bfloat16, float8, int4 and string left out:
 * tensorsmith has none of them). A spec may allow fewer dtypes than ONNX does, never more.
 */
export const FLOATS: readonly DType[] = ['float32', 'float64', 'float16'];
/** Every number type: ONNX's "all numeric types" (Add-14, Abs, Max, comparisons, Clip-13...). */
export const NUMERIC: readonly DType[] = [...FLOATS, 'int32', 'int64', 'int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64'];
/** Numbers that can be negative (Neg, Relu-14). */
export const SIGNED_NUMERIC: readonly DType[] = [...FLOATS, 'int32', 'int64', 'int8', 'int16'];
/**
 * Floats and the 32- and 64-bit integers: the older arithmetic (Add-7/13), MatMul, Gemm, CumSum,
 * PRelu and most reductions.
 */
export const WIDE_NUMERIC: readonly DType[] = [...FLOATS, 'int32', 'int64', 'uint32', 'uint64'];
/** Floats and the signed 32- and 64-bit integers (Pow's base). */
export const FLOATS_AND_WIDE_SIGNED: readonly DType[] = [...FLOATS, 'int32', 'int64'];
export const ALL: readonly DType[] = [...NUMERIC, 'bool'];
