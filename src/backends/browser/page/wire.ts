// What crosses between tensorsmith's process and a browser page: plain JSON (puppeteer's evaluate
// arguments and results), so tensors travel as the base64 of their raw little-endian bytes. This
// module runs on both sides; it uses only what Node and browsers share (atob, btoa).
import type { DType } from '../../../ir/dtype.js';
import type { Model, Node, ValueInfo } from '../../../ir/model.js';
import { fromRawBytes, toRawBytes, type Tensor } from '../../../ir/tensor.js';

export interface WireTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly base64: string;
}

/** A model whose weights travel as wire tensors. */
export interface WireModel {
  readonly opset: number;
  readonly inputs: readonly ValueInfo[];
  readonly weights: readonly (WireTensor & { readonly fixed?: boolean })[];
  readonly nodes: readonly Node[];
  readonly outputs: readonly string[];
}

/** What a page harness is asked to compile: the ONNX bytes (onnxruntime) or the IR (tfjs). */
export interface PrepareRequest {
  readonly onnxBase64?: string;
  readonly model?: WireModel;
}

export interface PrepareReply {
  readonly handle: number;
  /** What the SUT did to the model (tfjs's fused kernels), when it says. */
  readonly rewrites?: readonly string[];
}

/** What a harness tells of itself once loaded. */
export interface HarnessInfo {
  /** The package under test's version, as the package reports it. */
  readonly version: string;
  /** The WebGPU adapter (vendor, architecture, description), or how the SUT computes without one. */
  readonly device: string;
}

/** The object a page harness installs as window.tensorsmith. */
export interface PageHarness {
  prepare(request: PrepareRequest): Promise<PrepareReply>;
  run(handle: number, inputs: readonly WireTensor[]): Promise<WireTensor[]>;
  release(handle: number): Promise<void>;
}

/**
 * Errors a harness throws start with this when the page can no longer be trusted (a lost WebGPU
 * device): tensorsmith's side reports a crash and opens a fresh page.
 */
export const PAGE_BROKEN = 'page broken: ';

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeTensor(name: string, t: Tensor): WireTensor {
  return { name, dtype: t.dtype, shape: [...t.shape], base64: bytesToBase64(toRawBytes(t)) };
}

export function decodeTensor(w: WireTensor): Tensor {
  return fromRawBytes(w.dtype, w.shape, base64ToBytes(w.base64));
}

export function encodeModel(model: Model): WireModel {
  return {
    opset: model.opset,
    inputs: model.inputs,
    weights: model.weights.map((w) => ({ ...encodeTensor(w.name, w.value), ...(w.fixed ? { fixed: true } : {}) })),
    nodes: model.nodes,
    outputs: model.outputs,
  };
}

export function decodeModel(wire: WireModel): Model {
  return {
    opset: wire.opset,
    inputs: wire.inputs,
    weights: wire.weights.map((w) => ({ name: w.name, value: decodeTensor(w), ...(w.fixed ? { fixed: true } : {}) })),
    nodes: wire.nodes,
    outputs: wire.outputs,
  };
}
