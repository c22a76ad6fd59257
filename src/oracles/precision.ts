import { isFloatDType, type DType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';

/**
 * For each float graph output, the dtype whose tolerance applies: the least precise float dtype in
 * the output's ancestry. A float64 output computed from float32 values (a Cast) carries float32
 * error, and must not be judged at float64 tolerance.
 */
export function toleranceDtypes(model: Model): Map<string, DType> {
  const floatsOf = new Map<string, Set<DType>>();
  const own = (dtype: DType) => new Set<DType>(isFloatDType(dtype) ? [dtype] : []);
  for (const i of model.inputs) floatsOf.set(i.name, own(i.dtype));
  for (const w of model.weights) floatsOf.set(w.name, own(w.value.dtype));
  for (const node of model.nodes) {
    const upstream = new Set<DType>();
    for (const name of node.inputs) for (const d of floatsOf.get(name) ?? []) upstream.add(d);
    for (const o of node.outputs) floatsOf.set(o.name, new Set([...upstream, ...own(o.dtype)]));
  }
  const result = new Map<string, DType>();
  for (const name of model.outputs) {
    const floats = floatsOf.get(name) ?? new Set<DType>();
    if (floats.has('float16')) result.set(name, 'float16');
    else if (floats.has('float32')) result.set(name, 'float32');
    else if (floats.has('float64')) result.set(name, 'float64');
  }
  return result;
}
