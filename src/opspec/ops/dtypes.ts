import type { DType } from '../../ir/dtype.js';

export const FLOATS: readonly DType[] = ['float32', 'float64'];
export const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];
export const SIGNED_NUMERIC = NUMERIC;
export const ALL: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];
