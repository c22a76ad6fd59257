import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../ir/errors.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { AdapterSource, WorkerReply, WorkerRequest } from './protocol.js';

/**
 * A worker in its own process group outlives a campaign killed with SIGKILL, and one stuck in a
 * hanging SUT never sees its channel close, so it would spin for ever. On Linux, util-linux's
 * setpriv starts the worker with a parent-death signal (SIGKILL); without it the worker still exits
 * when the channel closes, unless its SUT hangs.
 */
const SETPRIV = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;

/** The SUT's process died (signal, exit code, or killed for memory) while it held a request. */
export class SutCrash extends Error {
  override readonly name = 'SutCrash';
}

/**
 * The SUT's worker was stopped from outside tensorsmith (SIGINT, SIGTERM or SIGHUP: a Ctrl-C sent
 * to it, a shutdown) while it held a request. That says nothing about the SUT: it is no verdict,
 * and the command stops with one line.
 */
export class SutInterrupted extends UserError {}

/** Signals tensorsmith never sends its workers (it kills them with SIGKILL): someone else stopped the worker. */
const OUTSIDE_STOPS: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP']);

/** The SUT did not answer within the timeout; its process was killed. */
export class SutHang extends Error {
  override readonly name = 'SutHang';
  constructor(
    message: string,
    /** The timeout the request had: shorter than the full limit when it was an adaptive one. */
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/**
 * An error the adapter threw inside its worker, carried back with the name it had there (an
 * adapter's UnsupportedError must still be one on this side).
 */
export class SutError extends Error {
  constructor(
    message: string,
    readonly errorName: string | undefined,
  ) {
    super(message);
  }
}

export interface IsolationLimits {
  /** Per request (prepare or run): the full timeout, which adaptive ones never exceed. */
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

/** A known-good test a fresh worker runs before it takes requests (see WorkerProcess.start). */
export interface WarmupTest {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<WorkerRequest, 'id'>;

interface Pending {
  readonly id: number;
  readonly resolve: (r: WorkerReply) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One worker process hosting one adapter. It answers one request at a time; a death, a hang past
 * the request's timeout or a memory blow-up rejects the pending request (SutCrash, SutHang) and the
 * process is gone for good: `alive` turns false and the owner starts another.
 */
export class WorkerProcess {
  private readonly proc: ChildProcess;
  private stderr = '';
  private pending: Pending | undefined;
  private nextId = 1;
  private dead = false;
  /** prepare and run requests answered so far: 0 means the adapter has not warmed up in this process. */
  served = 0;

  private constructor(
    private readonly sutName: string,
    private readonly limits: IsolationLimits,
  ) {
    // Under the test runner the worker is TypeScript, loaded through tsx (a dev dependency).
    const execArgv = WORKER.endsWith('.ts') ? ['--import', 'tsx'] : [];
    // Its own process group: a Ctrl-C in the terminal signals the foreground group, which must not
    // kill a SUT mid-test (the campaign stops on its own SIGINT and ends its workers itself).
    const launch = SETPRIV ? { execPath: SETPRIV, execArgv: ['--pdeathsig', 'KILL', process.execPath, ...execArgv] } : { execArgv };
    this.proc = fork(WORKER, [], { ...launch, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', detached: true });
    this.proc.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    this.proc.on('message', (reply: WorkerReply) => {
      const p = this.pending;
      if (p && reply.id === p.id) {
        this.pending = undefined;
        p.resolve(reply);
      }
    });
    this.proc.on('exit', (code, signal) => {
      this.dead = true;
      const p = this.pending;
      if (!p) return;
      this.pending = undefined;
      if (signal && OUTSIDE_STOPS.has(signal)) {
        p.reject(new SutInterrupted(`${this.sutName}'s worker was stopped by ${signal} from outside tensorsmith while it ran a test; that is no verdict, so nothing was recorded for it: run the command again (a campaign with --resume)`));
        return;
      }
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = stderrSummary(this.stderr);
      p.reject(new SutCrash(`${this.sutName} died (${how})${tail ? `; stderr: ${tail}` : ''}`));
    });
  }

  /**
   * Forks a worker and loads the adapter in it; with `warmup`, runs that known-good test once, so
   * that the SUT's own start (a WebAssembly module to compile, a GPU device to open) is behind it.
   * A warm-up that fails leaves the worker as it is: the test it was started for will tell.
   */
  static async start(sutName: string, source: AdapterSource, limits: IsolationLimits, warmup?: WarmupTest): Promise<WorkerProcess> {
    const worker = new WorkerProcess(sutName, limits);
    try {
      expectOk(await worker.request({ kind: 'init', source }, limits.timeoutMs));
      if (warmup) {
        const reply = await worker.request({ kind: 'prepare', model: warmup.model, onnx: warmup.onnx }, limits.timeoutMs);
        if (reply.ok && reply.handle !== undefined) {
          await worker.request({ kind: 'run', handle: reply.handle, inputs: [...warmup.inputs] }, limits.timeoutMs);
          await worker.request({ kind: 'release', handle: reply.handle }, limits.timeoutMs);
        }
      }
    } catch (e) {
      worker.kill();
      throw e;
    }
    return worker;
  }

  /** The worker's process id (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Sends one request; the reply, or SutCrash/SutHang when the process fails it (and is then killed). */
  request(body: RequestBody, timeoutMs: number): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(new SutCrash(`${this.sutName}'s worker is gone`));
    if (this.pending) return Promise.reject(new Error(`${this.sutName}'s worker got a request while it held another (a tensorsmith bug)`));
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        this.kill();
        reject(new SutHang(`${this.sutName} did not answer within ${Math.round(timeoutMs)} ms; killed`, timeoutMs));
      }, timeoutMs);
      const watch = setInterval(() => {
        const mb = residentMb(this.proc.pid ?? -1);
        if (mb !== undefined && mb > this.limits.memoryLimitMb && this.pending?.id === id) {
          this.pending = undefined;
          this.kill();
          reject(new SutCrash(`${this.sutName} used ${mb.toFixed(0)} MB, past the memory limit of ${this.limits.memoryLimitMb} MB; killed`));
        }
      }, 50);
      const done = () => {
        clearTimeout(timer);
        clearInterval(watch);
      };
      this.pending = {
        id,
        resolve: (r) => {
          done();
          if (body.kind === 'prepare' || body.kind === 'run') this.served++;
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      this.proc.send({ ...body, id } as WorkerRequest);
    });
  }

  kill(): void {
    this.dead = true;
    this.proc.kill('SIGKILL');
  }
}

/** The reply's payload, or the adapter's error as a SutError. */
export function expectOk(reply: WorkerReply): Extract<WorkerReply, { ok: true }> {
  if (!reply.ok) throw new SutError(reply.error, reply.errorName);
  return reply;
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
