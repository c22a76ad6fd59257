import type { DType } from '../ir/dtype.js';

/**
 * Op/dtype combinations onnxruntime's CPU execution provider has no kernel for (checked against
 * onnxruntime-node 1.30 by loading single-op models). Data, not code: capability probing refines it.
 */
export const ORT_CPU_UNSUPPORTED: Readonly<Record<string, readonly DType[]>> = {};

export function ortSupports(op: string, dtypes: readonly DType[]): boolean {
  const missing = ORT_CPU_UNSUPPORTED[op];
  return !missing || !dtypes.some((d) => missing.includes(d));
}
