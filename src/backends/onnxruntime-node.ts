import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import type { DType } from '../ir/dtype.js';
import type { TensorMap } from '../ir/model.js';
import { fromNativeArray, toNativeArray, type Tensor } from '../ir/tensor.js';
import type { BackendAdapter, BackendDescription, ModelArtifact } from './adapter.js';
import { ortSupports } from './onnxruntime-support.js';
import { ortKnownBug, ortKnownDeviation } from './onnxruntime-deviations.js';
import { ortRewriteKnownBug } from './onnxruntime-rewrite-bugs.js';
import { rewritesOf, sessionWithDiff } from './onnxruntime-rewrites.js';

import { ORT_FAMILY, ortNodeSessionOptions, type OrtOptLevel } from './onnxruntime-options.js';

export { ORT_OPT_LEVELS, type OrtOptLevel } from './onnxruntime-options.js';

const require = createRequire(import.meta.url);

function packageVersion(): string {
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

/** The ONNX dtype names onnxruntime's JS API uses, from ours. */
const ORT_TYPES: Record<DType, ort.Tensor.Type> = {
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

/** Converts our tensors to onnxruntime's (the dtype's own typed array). */
export function toOrtTensor(t: Tensor): ort.Tensor {
  return new ort.Tensor(ORT_TYPES[t.dtype], toNativeArray(t) as ort.Tensor.DataType, [...t.shape]);
}

export function fromOrtTensor(dtype: DType, t: ort.Tensor): Tensor {
  return fromNativeArray(dtype, t.dims, t.data as ArrayLike<number | bigint>);
}

/** onnxruntime-node's CPU execution provider at one graph optimization level. */
/** A session, and the rewrites its optimizer made to the model (none at level disabled). */
interface OrtPrepared {
  readonly session: ort.InferenceSession;
  readonly rewrites: readonly string[];
}

export function onnxruntimeNodeAdapter(level: OrtOptLevel): BackendAdapter<OrtPrepared> {
  const name = `ort-${level}`;
  return {
    name,
    family: ORT_FAMILY,
    async describe(): Promise<BackendDescription> {
      return { name, package: 'onnxruntime-node', version: packageVersion() };
    },
    supports: ortSupports,
    async prepare(artifact: ModelArtifact): Promise<OrtPrepared> {
      if (level === 'disabled') return { session: await ort.InferenceSession.create(artifact.onnx, { ...ortNodeSessionOptions(level), executionProviders: ['cpu'] }), rewrites: [] };
      const { session, diff } = await sessionWithDiff(artifact.onnx, level);
      return { session, rewrites: rewritesOf(diff) };
    },
    rewritesOf: (prepared) => prepared.rewrites,
    async run({ session }, inputs: TensorMap) {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [k, t] of inputs) feeds[k] = toOrtTensor(t);
      const results = await session.run(feeds);
      const out = new Map<string, Tensor>();
      for (const [k, t] of Object.entries(results)) out.set(k, fromOrtTensor(dtypeOfOrt(t.type), t));
      return out;
    },
    async release({ session }) {
      await session.release();
    },
    knownDeviation: ortKnownDeviation,
    knownBug: (model) => ortKnownBug(model) ?? ortRewriteKnownBug(model, level),
  };
}

function dtypeOfOrt(type: string): DType {
  for (const [ours, theirs] of Object.entries(ORT_TYPES)) if (theirs === type) return ours as DType;
  throw new Error(`onnxruntime returned a tensor of type ${type}, which tensorsmith does not handle`);
}
