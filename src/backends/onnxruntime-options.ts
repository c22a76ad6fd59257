/**
 * The session options of the onnxruntime SUTs, in one place: the adapters create their sessions
 * with them and every standalone repro.mjs embeds them, so a script replays exactly what the
 * campaign ran. No onnxruntime import here: case folders are written without loading it.
 */
export const ORT_OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type OrtOptLevel = (typeof ORT_OPT_LEVELS)[number];

/** onnxruntime-node: the CPU execution provider at one graph optimization level, default thread counts. */
export function ortNodeSessionOptions(level: OrtOptLevel) {
  return { graphOptimizationLevel: level, executionProviders: ['cpu'], logSeverityLevel: 3 } as const;
}

/** onnxruntime-web: the wasm execution provider, all optimizations, one thread (env.wasm.numThreads = 1). */
export const ORT_WEB_SESSION_OPTIONS = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } as const;

/**
 * onnxruntime-node at every optimization level and onnxruntime-web share one C++ code base (its
 * kernels and graph optimizer, compiled natively or to wasm): one bug family.
 */
export const ORT_FAMILY = 'onnxruntime';
