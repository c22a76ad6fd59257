import type { DType } from '../../ir/dtype.js';
import type { Model, TensorMap } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { PrecisionTable } from '../../oracles/precision-envelope.js';
import type { BackendDescription, KnownBugMatch, ModelArtifact } from '../adapter.js';
import type { IsolatedAdapter, IsolationOptions, WorkerPrepared } from '../isolation/isolated-adapter.js';
import { SutCrash, SutHang } from '../isolation/isolated-adapter.js';
import type { ServedFolder } from './loopback-server.js';
import { PageHost } from './page-host.js';
import { bytesToBase64, decodeTensor, encodeModel, encodeTensor, type PrepareRequest } from './page/wire.js';

/** What makes a browser SUT: its page, what it is sent, and its static knowledge as any adapter has. */
export interface BrowserSutSpec {
  readonly name: string;
  readonly family: string;
  readonly sharesCodeWith?: readonly string[];
  /** The package under test (its version comes from the page, as the package reports it). */
  readonly package: string;
  /** The page: <script> tags that load the package and install the harness (see page/). */
  readonly pageHtml: string;
  readonly folders: readonly ServedFolder[];
  /** onnxruntime is sent the ONNX bytes, tfjs tensorsmith's IR (its materializer runs in the page). */
  readonly sends: 'onnx' | 'model';
  readonly supports: (op: string, dtypes: readonly DType[]) => boolean;
  readonly knownDeviation?: (model: Model) => string | undefined;
  readonly knownBug?: (model: Model) => KnownBugMatch | undefined;
  readonly precision?: PrecisionTable;
  readonly kernelOf?: (op: string) => string;
  /** Whether prepare reports what the SUT fused (tfjs's fused kernels). */
  readonly reportsRewrites: boolean;
}

export interface BrowserHostOptions extends IsolationOptions {
  /** The Chromium executable (findChromium). */
  readonly chromium: () => string;
}

/**
 * A SUT that runs in a page of headless Chromium. It is its own isolation: the page plays the part
 * of a worker process (restart() opens a fresh one; a crash, a hang or the memory limit gives the
 * verdict a worker's would), so it is created isolated whether or not --no-isolation is given.
 */
export function browserSut(spec: BrowserSutSpec, options: BrowserHostOptions): IsolatedAdapter {
  let requestTimeout: number | undefined;
  const timeout = () => Math.min(requestTimeout ?? options.timeoutMs, options.timeoutMs);
  const prepareRequest = (artifact: ModelArtifact): PrepareRequest =>
    spec.sends === 'onnx' ? { onnxBase64: bytesToBase64(artifact.onnx) } : { model: encodeModel(artifact.model) };
  const host = new PageHost({
    sutName: spec.name,
    chromium: options.chromium,
    pageHtml: spec.pageHtml,
    folders: spec.folders,
    limits: options,
    ...(options.spares !== undefined ? { spares: options.spares } : {}),
    ...(options.warmup
      ? {
          warmup: async (call) => {
            const w = options.warmup!;
            const { handle } = await call('prepare', prepareRequest({ model: w.model, onnx: w.onnx }));
            await call('run', handle, [...w.inputs].map(([name, t]) => encodeTensor(name, t)));
            await call('release', handle);
          },
        }
      : {}),
  });
  /** The page each prepared model lives in: a handle means nothing in a page opened since. */
  const pageOf = new WeakMap<WorkerPrepared, number>();
  let description: Promise<BackendDescription> | undefined;
  const adapter: IsolatedAdapter = {
    name: spec.name,
    family: spec.family,
    ...(spec.sharesCodeWith ? { sharesCodeWith: spec.sharesCodeWith } : {}),
    describe() {
      description ??= host.describe().then(
        ({ browser, info }) => ({ name: spec.name, package: spec.package, version: info.version, device: `${browser.replace('/', ' ')}, ${info.device}` }),
        (e: unknown) => {
          description = undefined;
          throw e;
        },
      );
      return description;
    },
    supports: spec.supports,
    ...(spec.knownDeviation ? { knownDeviation: spec.knownDeviation } : {}),
    ...(spec.knownBug ? { knownBug: spec.knownBug } : {}),
    ...(spec.precision ? { precision: spec.precision } : {}),
    ...(spec.kernelOf ? { kernelOf: spec.kernelOf } : {}),
    async prepare(artifact: ModelArtifact): Promise<WorkerPrepared> {
      const reply = await host.request(timeout(), 'prepare', prepareRequest(artifact));
      const prepared: WorkerPrepared = { handle: reply.handle, ...(reply.rewrites ? { rewrites: reply.rewrites } : {}) };
      pageOf.set(prepared, host.pageNumber());
      return prepared;
    },
    ...(spec.reportsRewrites ? { rewritesOf: (p: WorkerPrepared) => p.rewrites ?? [] } : {}),
    async run(prepared: WorkerPrepared, inputs: TensorMap): Promise<Map<string, Tensor>> {
      if (pageOf.get(prepared) !== host.pageNumber()) throw new SutCrash(`${spec.name}: the page that prepared this model is gone`);
      const outputs = await host.request(
        timeout(),
        'run',
        prepared.handle,
        [...inputs].map(([name, t]) => encodeTensor(name, t)),
      );
      return new Map(outputs.map((w) => [w.name, decodeTensor(w)]));
    },
    async release(prepared: WorkerPrepared) {
      if (pageOf.get(prepared) !== host.pageNumber()) return;
      try {
        await host.request(timeout(), 'release', prepared.handle);
      } catch (e) {
        // After a crash or a hang the page, and what it prepared, are gone already.
        if (!(e instanceof SutCrash || e instanceof SutHang)) throw e;
      }
    },
    restart() {
      host.restart();
    },
    restartFully() {
      host.restartBrowser();
    },
    setRequestTimeout(ms) {
      requestTimeout = ms;
    },
    served: () => host.served(),
    close() {
      host.close();
    },
  };
  return adapter;
}
