// The page side of the onnxruntime-web SUTs: loads onnxruntime-web's own browser build and runs
// the ONNX bytes tensorsmith sends with the chosen execution provider. Runs in the browser page.
import type * as OrtWeb from 'onnxruntime-web';
import type { DType } from '../../../ir/dtype.js';
import { fromNativeArray, toNativeArray } from '../../../ir/tensor.js';
import { withGpuErrors, type ErrorScopedDevice } from '../../tfjs/gpu-errors.js';
import { describeAdapter, Handles, watchDeviceLoss } from './harness-common.js';
import { base64ToBytes, decodeTensor, encodeTensor, type HarnessInfo, type PageHarness, type WireTensor } from './wire.js';

export interface OrtPageConfig {
  /** onnxruntime-web's ES module build (ort.webgpu.min.mjs), as served. */
  readonly moduleUrl: string;
  /** The folder its .wasm files are served from. */
  readonly wasmPaths: string;
  readonly sessionOptions: { readonly executionProviders: readonly ('webgpu' | 'wasm')[]; readonly graphOptimizationLevel: 'all' };
}

type Ort = typeof OrtWeb;
const TYPES: Record<DType, 'float32' | 'float64' | 'int32' | 'int64' | 'bool'> = { float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool' };

function dtypeOf(type: string): DType {
  const found = (Object.keys(TYPES) as DType[]).find((d) => TYPES[d] === type);
  if (!found) throw new Error(`onnxruntime-web returned a tensor of type ${type}, which tensorsmith does not handle`);
  return found;
}

export async function installOrtHarness(config: OrtPageConfig): Promise<{ harness: PageHarness; info: HarnessInfo }> {
  const ort = (await import(config.moduleUrl)) as Ort;
  // One thread, as ort-web-wasm runs in Node: wasm threads would need a cross-origin-isolated page.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = config.wasmPaths;
  ort.env.logLevel = 'error';
  const webgpu = config.sessionOptions.executionProviders.includes('webgpu');
  const device = webgpu ? await describeAdapter() : 'wasm, 1 thread';
  const sessions = new Handles<OrtWeb.InferenceSession>();
  // onnxruntime creates its GPU device with its first WebGPU session; its errors are caught from then on.
  let gpu: { device: ErrorScopedDevice; checkLost: () => void } | undefined;
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    gpu?.checkLost();
    const result = gpu ? await withGpuErrors(gpu.device, call) : await call();
    if (webgpu && !gpu) {
      const d = (await ort.env.webgpu.device) as unknown as ErrorScopedDevice;
      gpu = { device: d, checkLost: watchDeviceLoss(d) };
    }
    return result;
  };
  const harness: PageHarness = {
    async prepare(request) {
      if (request.onnxBase64 === undefined) throw new Error('the onnxruntime harness needs the ONNX bytes');
      const bytes = base64ToBytes(request.onnxBase64);
      const session = await guarded(() => ort.InferenceSession.create(bytes, { ...config.sessionOptions, executionProviders: [...config.sessionOptions.executionProviders] }));
      return { handle: sessions.add(session) };
    },
    async run(handle, inputs) {
      const session = sessions.get(handle);
      const feeds: Record<string, OrtWeb.Tensor> = {};
      for (const w of inputs) {
        const t = decodeTensor(w);
        feeds[w.name] = new ort.Tensor(TYPES[t.dtype], toNativeArray(t) as never, [...t.shape]);
      }
      const results = await guarded(() => session.run(feeds));
      const out: WireTensor[] = [];
      for (const [name, t] of Object.entries(results)) out.push(encodeTensor(name, fromNativeArray(dtypeOf(t.type), t.dims, t.data as ArrayLike<number | bigint>)));
      return out;
    },
    async release(handle) {
      await sessions.take(handle)?.release();
    },
  };
  return { harness, info: { version: ort.env.versions.web ?? 'unknown', device } };
}
