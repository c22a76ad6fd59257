import { SutError } from './isolation/worker-process.js';

/**
 * How SUTs say that they do not implement something: a capability gap, which the campaign probes
 * and counts as `unsupported`, never as a bug. Data: the pattern and whose wording it is.
 */
export const CAPABILITY_GAP_MESSAGES: readonly { readonly pattern: RegExp; readonly source: string }[] = [
  { pattern: /\bNOT_IMPLEMENTED\b/, source: 'onnxruntime status code' },
  { pattern: /Could not find an implementation for/, source: "onnxruntime's kernel registry" },
  // Its wording when a float16 node it would cast to float32 has no float32 kernel either (Pow of a uint8 exponent).
  { pattern: /Failed to find kernel for \w+\(\d+\)/, source: "onnxruntime's cast inserter" },
  // The WebGPU build's wording for the same thing: no provider took the node (its CPU provider has
  // no float64 kernels), and the memcpy transformer fails before the kernel registry can say so.
  { pattern: /Provider type for \w+ node with name '[^']*' is not set/, source: "onnxruntime's memcpy transformer" },
  { pattern: /not yet (?:implemented|supported)/i, source: 'TensorFlow.js' },
  { pattern: /\bis not (?:yet )?implemented\b/i, source: 'TensorFlow.js, adapters' },
  { pattern: /\bis not supported\b/i, source: 'TensorFlow.js, adapters' },
  { pattern: /\bUnsupported (?:data ?type|dtype)\b/i, source: 'TensorFlow.js' },
  // "Only Conv2d or Conv1d are supported.", "Only bilinear/trilinear and bicubic modes are supported in Resize"
  { pattern: /\bOnly [^.]{1,160}? (?:is|are) supported\b/, source: "onnxruntime's kernels (the WebGPU provider's)" },
  // "Conv3D does not support grouped convolution (group=4)."
  { pattern: /\bdoes not support\b/, source: "onnxruntime's kernels (the WebGPU provider's)" },
];

/**
 * Messages that match a pattern above but report a failure, not a missing capability: every output
 * of a tensorsmith model is a tensor, so onnxruntime-web saying an output is not one means its
 * optimizer lost that output (a FastGelu fusion that swallowed a node whose value is a graph output).
 */
export const NOT_CAPABILITY_GAPS: readonly RegExp[] = [/Reading data from non-tensor typed value is not supported/];

/** The name an adapter's error has when it says it does not implement something (see UnsupportedError). */
const UNSUPPORTED_ERROR = 'UnsupportedError';

/**
 * Whether a SUT's error (or a verdict's message) says that it does not implement an op or dtype.
 * `error` is what prepare or run threw, or the message string of a verdict.
 */
export function isCapabilityGap(error: unknown): boolean {
  if (error instanceof SutError && error.errorName === UNSUPPORTED_ERROR) return true;
  if (error instanceof Error && error.name === UNSUPPORTED_ERROR) return true;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return CAPABILITY_GAP_MESSAGES.some((m) => m.pattern.test(message)) && !NOT_CAPABILITY_GAPS.some((p) => p.test(message));
}
