import type { DType } from '../ir/dtype.js';
import type { TensorMap } from '../ir/model.js';
import { fromNativeArray, toNativeArray, type Tensor } from '../ir/tensor.js';
import type { BackendAdapter, BackendDescription, ModelArtifact } from './adapter.js';
import { ortKnownBug, ortKnownDeviation } from './onnxruntime-deviations.js';
import { ORT_FAMILY, ORT_WEB_SESSION_OPTIONS } from './onnxruntime-options.js';
import { ortRewriteKnownBug } from './onnxruntime-rewrite-bugs.js';

type OrtWeb = typeof import('onnxruntime-web');
type Session = import('onnxruntime-web').InferenceSession;

let loading: Promise<OrtWeb> | undefined;

/** onnxruntime-web, loaded on first use, single-threaded (its wasm threads need browser workers). */
function loadOrtWeb(): Promise<OrtWeb> {
  loading ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  });
  return loading;
}

const DTYPES: Record<DType, DType> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
  float16: 'float16',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
};

/**
 * onnxruntime-web's wasm execution provider. Its kernel set differs from onnxruntime-node's CPU
 * provider (a smaller build): capability probing (`backends --probe`) maps what it lacks.
 */
export function onnxruntimeWebWasmAdapter(): BackendAdapter<Session> {
  const name = 'ort-web-wasm';
  return {
    name,
    family: ORT_FAMILY,
    async describe(): Promise<BackendDescription> {
      const ort = await loadOrtWeb();
      return { name, package: 'onnxruntime-web', version: ort.env.versions.web ?? 'unknown' };
    },
    supports: () => true,
    knownDeviation: ortKnownDeviation,
    knownBug: (model) => ortKnownBug(model) ?? ortRewriteKnownBug(model, ORT_WEB_SESSION_OPTIONS.graphOptimizationLevel),
    async prepare(artifact: ModelArtifact) {
      const ort = await loadOrtWeb();
      return ort.InferenceSession.create(artifact.onnx, { ...ORT_WEB_SESSION_OPTIONS, executionProviders: ['wasm'] });
    },
    async run(session, inputs: TensorMap) {
      const ort = await loadOrtWeb();
      const feeds: Record<string, import('onnxruntime-web').Tensor> = {};
      for (const [k, t] of inputs) feeds[k] = new ort.Tensor(DTYPES[t.dtype], toNativeArray(t) as never, [...t.shape]);
      const results = await session.run(feeds);
      const out = new Map<string, Tensor>();
      for (const [k, t] of Object.entries(results)) {
        const dtype = (Object.keys(DTYPES) as DType[]).find((d) => DTYPES[d] === t.type);
        if (!dtype) throw new Error(`onnxruntime-web returned a tensor of type ${t.type}, which tensorsmith does not handle`);
        out.set(k, fromNativeArray(dtype, t.dims, t.data as ArrayLike<number | bigint>));
      }
      return out;
    },
    async release(session) {
      await session.release();
    },
  };
}
