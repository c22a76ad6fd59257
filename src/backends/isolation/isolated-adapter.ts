import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TensorMap } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { BackendAdapter, ModelArtifact } from '../adapter.js';
import type { AdapterSource, WorkerReply, WorkerRequest } from './protocol.js';

/** The SUT's process died (signal, exit code, or killed for memory) while it held a request. */
export class SutCrash extends Error {
  override readonly name = 'SutCrash';
}

/** The SUT did not answer within the timeout; its process was killed. */
export class SutHang extends Error {
  override readonly name = 'SutHang';
}

export interface IsolationLimits {
  /** Per request (prepare or run). */
  readonly timeoutMs: number;
  /** Resident memory of the worker process. */
  readonly memoryLimitMb: number;
}

const STDERR_TAIL = 2000;
// Compiled, the worker is a .js file beside this one; under a TypeScript loader (tests) it is .ts.
const WORKER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url));

/** The worker's resident set size in MB, from /proc (Linux); undefined where that is not readable. */
function residentMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs an adapter's prepare and run in a child process. Static knowledge (describe, supports,
 * knownDeviation) comes from a local instance of the same adapter. A death, a hang past the timeout
 * or a memory blow-up rejects the pending request with SutCrash or SutHang; the next request starts
 * a fresh worker.
 */
export function isolate(local: BackendAdapter, source: AdapterSource, limits: IsolationLimits): BackendAdapter<number> & { close(): void } {
  let child: ChildProcess | undefined;
  let stderr = '';
  let nextId = 1;
  let pending: { id: number; proc: ChildProcess; resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;

  const start = async (): Promise<void> => {
    stderr = '';
    // Under the test runner the worker is TypeScript, loaded through tsx (a dev dependency).
    const execArgv = WORKER.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const proc = fork(WORKER, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    proc.on('message', (reply: WorkerReply) => {
      if (pending && reply.id === pending.id) {
        const p = pending;
        pending = undefined;
        p.resolve(reply);
      }
    });
    proc.on('exit', (code, signal) => {
      if (child === proc) child = undefined;
      // Only a request this very process held dies with it (a killed worker exits after its successor starts).
      if (pending?.proc === proc) {
        const p = pending;
        pending = undefined;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        const tail = stderrSummary(stderr);
        p.reject(new SutCrash(`${local.name} died (${how})${tail ? `; stderr: ${tail}` : ''}`));
      }
    });
    await request({ kind: 'init', source });
  };

  const request = async (body: DistributiveOmit<WorkerRequest, 'id'>): Promise<WorkerReply> => {
    if (!child && body.kind !== 'init') await start();
    const proc = child!;
    const id = nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (pending?.id !== id) return;
        pending = undefined;
        kill(proc);
        reject(new SutHang(`${local.name} did not answer within ${limits.timeoutMs} ms; killed`));
      }, limits.timeoutMs);
      const watch = setInterval(() => {
        const mb = residentMb(proc.pid ?? -1);
        if (mb !== undefined && mb > limits.memoryLimitMb && pending?.id === id) {
          pending = undefined;
          kill(proc);
          reject(new SutCrash(`${local.name} used ${mb.toFixed(0)} MB, past the memory limit of ${limits.memoryLimitMb} MB; killed`));
        }
      }, 50);
      const done = () => {
        clearTimeout(timer);
        clearInterval(watch);
      };
      pending = {
        id,
        proc,
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      proc.send({ ...body, id } as WorkerRequest);
    });
  };

  /** Kills a worker and forgets it at once, so the next request starts a fresh one. */
  const kill = (proc: ChildProcess) => {
    if (child === proc) child = undefined;
    proc.kill('SIGKILL');
  };

  const expectOk = (reply: WorkerReply): Extract<WorkerReply, { ok: true }> => {
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  };

  return {
    name: local.name,
    describe: () => local.describe(),
    supports: (op, dtypes) => local.supports(op, dtypes),
    ...(local.knownDeviation ? { knownDeviation: (model) => local.knownDeviation!(model) } : {}),
    async prepare(artifact: ModelArtifact) {
      return expectOk(await request({ kind: 'prepare', model: artifact.model, onnx: artifact.onnx })).handle!;
    },
    async run(handle: number, inputs: TensorMap) {
      const reply = expectOk(await request({ kind: 'run', handle, inputs: [...inputs] }));
      return new Map<string, Tensor>(reply.outputs ?? []);
    },
    async release(handle: number) {
      // After a crash or hang the worker, and what it prepared, are gone already.
      if (!child) return;
      try {
        expectOk(await request({ kind: 'release', handle }));
      } catch (e) {
        if (!(e instanceof SutCrash || e instanceof SutHang)) throw e;
      }
    },
    close() {
      child?.kill('SIGKILL');
      child = undefined;
    },
  };
}

/** The lines of a dying process's stderr worth reporting: its error lines, else its last lines. */
function stderrSummary(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const errors = lines.filter((l) => /error|abort|fault|panic|terminate|killed/i.test(l) && !l.startsWith('at '));
  return (errors.length > 0 ? errors.slice(-3) : lines.slice(-5)).join(' | ');
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
