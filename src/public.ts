// tensorsmith's public entry for adapter authors (package.json "exports"): the adapter types, the
// tensor helpers, defineAdapter, and the support and deviation data of the built-in onnxruntime and
// TensorFlow.js adapters, for an adapter of the same runtime to reuse.
export type { BackendAdapter, BackendDescription, KnownBugMatch, ModelArtifact } from './backends/adapter.js';
export { UnsupportedError } from './backends/adapter.js';
export type { DType } from './ir/dtype.js';
export { DTYPES } from './ir/dtype.js';
export type { Model, Node, TensorMap, ValueInfo } from './ir/model.js';
export type { Tensor } from './ir/tensor.js';
export { makeTensor } from './ir/tensor.js';
export { fromTypedArray, toTypedArray, type NativeArray } from './api/tensors.js';
export { defineAdapter } from './api/define-adapter.js';
export { ORT_DEVIATIONS, ortKnownBug, ortKnownDeviation, type OrtDeviation } from './backends/onnxruntime-deviations.js';
export { ORT_REWRITE_BUGS, ortRewriteKnownBug, type OrtRewriteBug } from './backends/onnxruntime-rewrite-bugs.js';
export { ORT_CPU_UNSUPPORTED, ortSupports } from './backends/onnxruntime-support.js';
export { TFJS_DEVIATIONS, tfjsKnownBug, tfjsKnownDeviation, type TfjsDeviation } from './backends/tfjs/deviations.js';
export { tfjsSupports, tfjsUnsupportedNode } from './backends/tfjs/support.js';
