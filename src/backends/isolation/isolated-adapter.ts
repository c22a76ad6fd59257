import type { TensorMap } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { BackendAdapter, ModelArtifact } from '../adapter.js';
import type { AdapterSource } from './protocol.js';
import { expectOk, SutCrash, SutHang, WorkerProcess, type IsolationLimits, type RequestBody, type WarmupTest } from './worker-process.js';

export { SutCrash, SutError, SutHang, SutInterrupted, type IsolationLimits, type WarmupTest } from './worker-process.js';

export interface IsolationOptions extends IsolationLimits {
  /**
   * Workers kept started and loaded ahead of time while restarts come in a burst (a reduction
   * confirms every candidate in a fresh process), so that a restart does not wait for the adapter
   * to load. Spares are started once a worker is replaced within spareIdleMs of the previous
   * replacement, and ended when unclaimed for as long: a campaign that rarely restarts does not
   * keep a loaded process per SUT idle (each is a Node process with the SUT, ~90 MB resident).
   */
  readonly spares?: number;
  /** The burst window and spare lifetime (default SPARE_IDLE_MS). */
  readonly spareIdleMs?: number;
  /** A known-good test every worker runs once after it starts (see WorkerProcess.start). */
  readonly warmup?: WarmupTest;
}

/** What the campaign can do with a SUT that runs in a worker process. */
export interface WorkerControl {
  /** Ends the current worker: the next request goes to a fresh one. */
  restart(): void;
  /**
   * Ends the current worker and what it shares with earlier ones (a page's browser and GPU process):
   * the next request starts from nothing. Absent when restart() does that already.
   */
  restartFully?(): void;
  /** The timeout of the next requests (an adaptive one, at most the full limit); undefined: the full limit. */
  setRequestTimeout(ms: number | undefined): void;
  /** prepare and run requests the current worker has answered (0: a fresh worker, the adapter still cold). */
  served(): number;
  /** Ends every worker. */
  close(): void;
}

/** What the worker prepared, as the campaign's process holds it: a handle, and what the SUT's optimizer did. */
export interface WorkerPrepared {
  readonly handle: number;
  readonly rewrites?: readonly string[];
}

export type IsolatedAdapter = BackendAdapter<WorkerPrepared> & WorkerControl;

/** Whether an adapter runs in worker processes the campaign can restart. */
export function isIsolated(adapter: BackendAdapter): adapter is IsolatedAdapter {
  const control = adapter as Partial<WorkerControl>;
  return typeof control.restart === 'function' && typeof control.setRequestTimeout === 'function' && typeof control.served === 'function';
}

/**
 * How long restarts may be apart and still count as a burst that spares serve, and how long a spare
 * waits unclaimed before it is ended. Reduction checks come well within it; a campaign's restarts
 * after the occasional error, minutes apart, do not.
 */
export const SPARE_IDLE_MS = 30_000;

/**
 * Runs an adapter's prepare and run in a child process. Static knowledge (describe, supports,
 * knownDeviation, family) comes from a local instance of the same adapter. A death, a hang past the
 * timeout or a memory blow-up rejects the pending request with SutCrash or SutHang; the next request
 * starts a fresh worker, as it does after restart().
 */
export function isolate(local: BackendAdapter, source: AdapterSource, options: IsolationOptions): IsolatedAdapter {
  let current: Promise<WorkerProcess> | undefined;
  /** The current worker once it has started (served() reads it synchronously). */
  let running: WorkerProcess | undefined;
  /** Spares, oldest first, each with the timer that ends it once it has waited idleMs unclaimed. */
  const spares: { worker: Promise<WorkerProcess>; expiry: NodeJS.Timeout }[] = [];
  /** When the current worker last replaced another (undefined: no replacement yet). */
  let lastReplacement: number | undefined;
  /** Whether a worker was ever started: the first one replaces none. */
  let hadWorker = false;
  const idleMs = options.spareIdleMs ?? SPARE_IDLE_MS;
  let requestTimeout: number | undefined;
  let closed = false;
  /** Every worker ever started and not yet killed, so close() can end them all. */
  const started = new Set<Promise<WorkerProcess>>();

  const launch = (): Promise<WorkerProcess> => {
    const w = WorkerProcess.start(local.name, source, options, options.warmup);
    started.add(w);
    // A spare that failed to start is retried when it is needed, as a plain start.
    w.catch(() => started.delete(w));
    return w;
  };

  const launchSpare = () => {
    const spare = { worker: launch(), expiry: setTimeout(() => dropSpare(spare), idleMs) };
    // An idle spare must not keep the process alive.
    spare.expiry.unref();
    spares.push(spare);
  };

  const dropSpare = (spare: (typeof spares)[number]) => {
    const i = spares.indexOf(spare);
    if (i >= 0) spares.splice(i, 1);
    forget(spare.worker);
  };

  const claimSpare = (): Promise<WorkerProcess> | undefined => {
    const spare = spares.shift();
    if (!spare) return undefined;
    clearTimeout(spare.expiry);
    return spare.worker;
  };

  const worker = async (): Promise<WorkerProcess> => {
    if (closed) throw new Error(`${local.name} was closed`);
    if (current) {
      const w = await current.catch(() => undefined);
      if (w?.alive) return w;
      if (w) forget(current);
      current = undefined;
    }
    current = claimSpare() ?? launch();
    const now = performance.now();
    const burst = lastReplacement !== undefined && now - lastReplacement < idleMs;
    if (hadWorker) lastReplacement = now;
    hadWorker = true;
    if (burst) while (spares.length < (options.spares ?? 0)) launchSpare();
    try {
      running = await current;
      return running;
    } catch (e) {
      current = undefined;
      throw e;
    }
  };

  const forget = (w: Promise<WorkerProcess>) => {
    started.delete(w);
    void w.then((p) => p.kill(), () => undefined);
  };

  const request = async (body: RequestBody) => {
    const w = await worker();
    return w.request(body, Math.min(requestTimeout ?? options.timeoutMs, options.timeoutMs));
  };

  return {
    name: local.name,
    ...(local.family !== undefined ? { family: local.family } : {}),
    ...(local.sharesCodeWith !== undefined ? { sharesCodeWith: local.sharesCodeWith } : {}),
    describe: () => local.describe(),
    supports: (op, dtypes, opset) => local.supports(op, dtypes, opset),
    ...(local.knownDeviation ? { knownDeviation: (model) => local.knownDeviation!(model) } : {}),
    ...(local.knownBug ? { knownBug: (model) => local.knownBug!(model) } : {}),
    ...(local.precision ? { precision: local.precision } : {}),
    ...(local.kernelOf ? { kernelOf: (op) => local.kernelOf!(op) } : {}),
    async prepare(artifact: ModelArtifact): Promise<WorkerPrepared> {
      const reply = expectOk(await request({ kind: 'prepare', model: artifact.model, onnx: artifact.onnx }));
      return { handle: reply.handle!, ...(reply.rewrites ? { rewrites: reply.rewrites } : {}) };
    },
    ...(local.rewritesOf ? { rewritesOf: (p: WorkerPrepared) => p.rewrites ?? [] } : {}),
    async run({ handle }: WorkerPrepared, inputs: TensorMap) {
      const reply = expectOk(await request({ kind: 'run', handle, inputs: [...inputs] }));
      return new Map<string, Tensor>(reply.outputs ?? []);
    },
    async release({ handle }: WorkerPrepared) {
      // After a crash, a hang or a restart the worker, and what it prepared, are gone already.
      const w = current ? await current.catch(() => undefined) : undefined;
      if (!w?.alive) return;
      try {
        expectOk(await w.request({ kind: 'release', handle }, Math.min(requestTimeout ?? options.timeoutMs, options.timeoutMs)));
      } catch (e) {
        if (!(e instanceof SutCrash || e instanceof SutHang)) throw e;
      }
    },
    restart() {
      if (current) forget(current);
      current = undefined;
      running = undefined;
    },
    setRequestTimeout(ms) {
      requestTimeout = ms;
    },
    served() {
      return running?.alive ? running.served : 0;
    },
    close() {
      closed = true;
      for (const spare of spares) clearTimeout(spare.expiry);
      for (const w of started) forget(w);
      current = undefined;
      running = undefined;
      spares.length = 0;
    },
  } satisfies IsolatedAdapter;
}
