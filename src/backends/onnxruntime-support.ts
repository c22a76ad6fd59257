import type { DType } from '../ir/dtype.js';

/**
 * Op/dtype combinations onnxruntime's CPU execution provider has no kernel for ("Could not find an
 * implementation for ..."), found by loading a single-op model of every op x dtype of the registry on
 * onnxruntime-node 1.30. Data, not code: capability probing refines it.
 */
export const ORT_CPU_UNSUPPORTED: Readonly<Record<string, readonly DType[]>> = {
  Conv: ['float64'],
  Relu: ['int64'],
};

export function ortSupports(op: string, dtypes: readonly DType[]): boolean {
  const missing = ORT_CPU_UNSUPPORTED[op];
  return !missing || !dtypes.some((d) => missing.includes(d));
}
