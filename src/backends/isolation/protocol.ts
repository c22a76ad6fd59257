import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';

/** Where the worker gets its adapter: a built-in name, or a module path and the adapter's name. */
export type AdapterSource = { readonly builtin: string } | { readonly module: string; readonly name: string };

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'init'; readonly source: AdapterSource }
  | { readonly id: number; readonly kind: 'prepare'; readonly model: Model; readonly onnx: Uint8Array }
  | { readonly id: number; readonly kind: 'run'; readonly handle: number; readonly inputs: [string, Tensor][] }
  | { readonly id: number; readonly kind: 'release'; readonly handle: number };

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly handle?: number; readonly rewrites?: string[]; readonly outputs?: [string, Tensor][] }
  /** errorName: the thrown error's name (an adapter's UnsupportedError says it does not implement something). */
  | { readonly id: number; readonly ok: false; readonly error: string; readonly errorName?: string };
