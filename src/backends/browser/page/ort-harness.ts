// The page side of the onnxruntime-web SUTs: loads onnxruntime-web's own browser build and runs
// the ONNX bytes tensorsmith sends with the chosen execution provider. Runs in the browser page.
import type * as OrtWeb from 'onnxruntime-web';
import type { DType } from '../../../ir/dtype.js';
import { fromNativeArray, makeTensor, toNativeArray, type Tensor } from '../../../ir/tensor.js';
import { withGpuErrors, type ErrorScopedDevice } from '../../tfjs/gpu-errors.js';
import { describeAdapter, guardedDevice, Handles, type GuardedDevice } from './harness-common.js';
import { base64ToBytes, decodeTensor, encodeTensor, type HarnessInfo, type PageHarness, type WireTensor } from './wire.js';

export interface OrtPageConfig {
  /** onnxruntime-web's ES module build (ort.webgpu.min.mjs), as served. */
  readonly moduleUrl: string;
  /** The folder its .wasm files are served from. */
  readonly wasmPaths: string;
  readonly sessionOptions: { readonly executionProviders: readonly ('webgpu' | 'wasm')[]; readonly graphOptimizationLevel: 'all' };
  /**
   * With the WebGPU provider: a one-node model (ONNX, base64) whose session the page keeps open.
   * onnxruntime destroys its GPU device, and the shaders it compiled, with the last session it
   * releases; a page that kept none would compile every kernel of every test anew (seconds on a
   * software GPU), where an application that keeps a session, as most do, reuses them.
   */
  readonly keeperOnnxBase64?: string;
}

type Ort = typeof OrtWeb;
const TYPES: Record<DType, DType> = {
  float32: 'float32', float64: 'float64', float16: 'float16', int32: 'int32', int64: 'int64', int8: 'int8', int16: 'int16',
  uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64', bool: 'bool',
};

/**
 * A tensor from onnxruntime-web's output data. Where the browser has Float16Array, onnxruntime-web
 * returns float16 values as one (numbers); elsewhere as their bits in a Uint16Array.
 */
function tensorFromOrt(dtype: DType, dims: readonly number[], data: ArrayLike<number | bigint>): Tensor {
  if (dtype === 'float16' && !(data instanceof Uint16Array)) return makeTensor('float16', dims, Array.from(data, Number));
  return fromNativeArray(dtype, dims, data);
}

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
  const create = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { ...config.sessionOptions, executionProviders: [...config.sessionOptions.executionProviders] });
  // The keeper holds the device open for as long as the page lives (see keeperOnnxBase64).
  const keeper = webgpu && config.keeperOnnxBase64 !== undefined ? await create(base64ToBytes(config.keeperOnnxBase64)) : undefined;
  void keeper;
  // Each session's runs are watched on the device it was created with (onnxruntime opens one with
  // its first WebGPU session and destroys it with the last it releases).
  const sessions = new Handles<{ readonly session: OrtWeb.InferenceSession; readonly gpu?: GuardedDevice }>();
  const harness: PageHarness = {
    async prepare(request) {
      if (request.onnxBase64 === undefined) throw new Error('the onnxruntime harness needs the ONNX bytes');
      const bytes = base64ToBytes(request.onnxBase64);
      const session = await create(bytes);
      const gpu = webgpu ? guardedDevice((await ort.env.webgpu.device) as unknown as ErrorScopedDevice) : undefined;
      return { handle: sessions.add({ session, ...(gpu ? { gpu } : {}) }) };
    },
    async run(handle, inputs) {
      const { session, gpu } = sessions.get(handle);
      const feeds: Record<string, OrtWeb.Tensor> = {};
      for (const w of inputs) {
        const t = decodeTensor(w);
        feeds[w.name] = new ort.Tensor(TYPES[t.dtype], toNativeArray(t) as never, [...t.shape]);
      }
      const run = () => session.run(feeds);
      let results: OrtWeb.InferenceSession.ReturnType;
      if (gpu) {
        gpu.checkLost();
        results = await withGpuErrors(gpu.device, run);
      } else results = await run();
      const out: WireTensor[] = [];
      for (const [name, t] of Object.entries(results)) out.push(encodeTensor(name, tensorFromOrt(dtypeOf(t.type), t.dims, t.data as ArrayLike<number | bigint>)));
      return out;
    },
    async release(handle) {
      await sessions.take(handle)?.session.release();
    },
  };
  return { harness, info: { version: ort.env.versions.web ?? 'unknown', device } };
}
