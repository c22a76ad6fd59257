import type { Model } from '../../ir/model.js';
import { ORT_DEVIATIONS, ortKnownDeviation, type OrtDeviation } from '../onnxruntime-deviations.js';

/**
 * Where onnxruntime-web's WebGPU execution provider departs from the ONNX specification, found by
 * the per-op agreement tests (test/backends/chrome-ort-webgpu-ops.test.ts) and campaigns, as data:
 * the campaign reports them as unsupported with the reason, not again as bugs.
 */
export const ORT_WEBGPU_DEVIATIONS: readonly OrtDeviation[] = [];

/** The deviations of onnxruntime's shared code (graph optimizer, shape inference) and the WebGPU provider's own. */
export function ortWebGpuKnownDeviation(model: Model): string | undefined {
  return ortKnownDeviation(model, [...ORT_DEVIATIONS, ...ORT_WEBGPU_DEVIATIONS]);
}
