import { isDType } from './dtype.js';
import { UserError } from './errors.js';
import { tensorElementsProblem } from './limits.js';
import { fromRawBytes, toRawBytes, type Tensor } from './tensor.js';

export interface TensorJson {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Base64 of the raw little-endian bytes in the dtype's own representation: exact. */
  readonly data: string;
  /** The first values as numbers, for people reading the file. Ignored when loading. */
  readonly preview?: readonly (number | string)[];
}

const PREVIEW = 16;

function previewValue(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

export function tensorToJson(t: Tensor): TensorJson {
  return {
    dtype: t.dtype,
    shape: t.shape,
    data: Buffer.from(toRawBytes(t)).toString('base64'),
    preview: Array.from(t.data.subarray(0, PREVIEW), previewValue),
  };
}

export function tensorsToJson(tensors: ReadonlyMap<string, Tensor>): Record<string, TensorJson> {
  const out: Record<string, TensorJson> = {};
  for (const [name, t] of tensors) out[name] = tensorToJson(t);
  return out;
}

export function tensorsFromJson(raw: unknown, where: string): Map<string, Tensor> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${where}: must be an object of named tensors`);
  const out = new Map<string, Tensor>();
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const o = v as Partial<TensorJson> | null;
    if (!o || !isDType(o.dtype) || !Array.isArray(o.shape) || typeof o.data !== 'string') {
      throw new UserError(`${where}: tensor '${name}' needs "dtype", "shape" and base64 "data"`);
    }
    const badDim = (o.shape as unknown[]).find((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0);
    if (badDim !== undefined) {
      throw new UserError(`${where}: tensor '${name}' has a shape with ${JSON.stringify(badDim)}; dims must be non-negative integers`);
    }
    const tooBig = tensorElementsProblem(o.shape);
    if (tooBig) throw new UserError(`${where}: tensor '${name}' ${tooBig}`);
    try {
      out.set(name, fromRawBytes(o.dtype, o.shape, new Uint8Array(Buffer.from(o.data, 'base64'))));
    } catch (e) {
      throw new UserError(`${where}: tensor '${name}': ${(e as Error).message} (the data does not match its dtype and shape)`);
    }
  }
  return out;
}
