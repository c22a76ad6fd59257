import { DTYPES } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';

/** 'an Object', 'a Map'. */
function withArticle(noun: string): string {
  return `${/^[aeiouAEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** A value as a message shows it: its kind, not its contents. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'object') return withArticle((value as object).constructor?.name ?? 'object without a prototype');
  return withArticle(typeof value);
}

/** What is wrong with one returned tensor, or undefined when it is a tensor. */
function malformedTensor(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return `is ${describeValue(value)}, not a tensor {dtype, shape, data}`;
  const t = value as { dtype?: unknown; shape?: unknown; data?: unknown };
  if (typeof t.dtype !== 'string' || !(DTYPES as readonly string[]).includes(t.dtype)) return `has dtype ${JSON.stringify(t.dtype)}, not one of ${DTYPES.join(', ')}`;
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) return `has shape ${describeValue(t.shape)} ${JSON.stringify(t.shape)}, not an array of non-negative integers`;
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return `has data ${describeValue(t.data)}: give int64 values as Numbers (a Float64Array)`;
  if (!ArrayBuffer.isView(t.data) || t.data instanceof DataView) return `has data ${describeValue(t.data)}, not a typed array (Float64Array, Float32Array, Int32Array...)`;
  const size = (t.shape as number[]).reduce((a, d) => a * d, 1);
  const length = (t.data as unknown as ArrayLike<unknown>).length;
  if (length !== size) return `has ${length} values for shape [${(t.shape as number[]).join(', ')}] (${size} elements)`;
  return undefined;
}

/**
 * What is wrong with what an adapter's run() returned, as a sentence naming the adapter, or
 * undefined when it is a Map holding a well-formed tensor for every output of the model. An adapter
 * author's mistake (a plain object, an Array for data, an output left out) must read as that, not as
 * an internal error of tensorsmith.
 */
export function malformedOutputs(adapter: string, model: Model, returned: unknown): string | undefined {
  const prefix = `the adapter '${adapter}' returned`;
  if (!(returned instanceof Map)) return `${prefix} ${describeValue(returned)} from run(), not a Map of output name to tensor`;
  for (const name of model.outputs) {
    if (!returned.has(name)) return `${prefix} no output '${name}' (it returned ${returned.size === 0 ? 'none' : [...returned.keys()].map((k) => `'${String(k)}'`).join(', ')})`;
    const problem = malformedTensor(returned.get(name));
    if (problem) return `${prefix} an output '${name}' that ${problem}`;
  }
  return undefined;
}
