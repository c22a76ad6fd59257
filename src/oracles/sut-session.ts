import { familyOf, type BackendAdapter } from '../backends/adapter.js';
import { isIsolated, type WorkerControl } from '../backends/isolation/isolated-adapter.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { bugSignature, triggerOf, type BugSignature } from './signature.js';
import { isBug, isNumeric, type Verdict } from './verdict.js';
import { evaluateOnBackend, type BackendOutcome, type Judging } from './evaluate.js';
import { OutOfTime } from './out-of-time.js';

/** A test as a SUT failed it: the model, its inputs, the reference's outputs and the SUT's. */
export interface FailedTest {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly expected: ReadonlyMap<string, Tensor>;
  /** The SUT's outputs, or its error. */
  readonly actual: ReadonlyMap<string, Tensor> | { error: string };
}

/** A failed test as a case holds it: the test and what the SUT gave (its outputs, or its error). */
export function failedTestOf(test: JudgedTest, outcome: BackendOutcome): FailedTest {
  const { verdict, actual } = outcome;
  return { model: test.model, onnx: test.onnx, inputs: test.inputs, expected: test.expected, actual: actual ?? { error: verdict.message ?? verdict.kind } };
}

/** A crash or a hang: verdicts that end the SUT's whole process (or browser page). */
function endsProcess(verdict: Verdict): boolean {
  return verdict.kind === 'crash' || verdict.kind === 'hang';
}

/** Whether a verdict means the worker may be broken: every bug verdict but a numeric one, and a capability gap (an error too). */
function endsWorker(outcome: BackendOutcome): boolean {
  return (isBug(outcome.verdict.kind) && !isNumeric(outcome.verdict.kind)) || outcome.capabilityGap === true;
}

/**
 * The tests a worker ran that a state bug's trace may replay: the most recent ones. A corruption
 * older than this many tests on one worker is not traced (the finding is counted as unconfirmed).
 */
export const MAX_HISTORY = 256;

/** A test ready to judge on a SUT: the model, its ONNX bytes, the inputs and the reference's outputs. */
export interface JudgedTest {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly expected: ReadonlyMap<string, Tensor>;
  /** The campaign's test index, when the test is one (for state bugs' reports). */
  readonly testIndex?: number;
}

export interface SessionTimeouts {
  /** The full timeout of a request (--timeout): what confirms a hang, and the cap of adaptive ones. */
  readonly fullMs: number;
  /** Adaptive timeouts are at least this... */
  readonly minMs?: number;
  /** ...and this many times the slowest request of the same kind that succeeded so far. */
  readonly factor?: number;
}

export const DEFAULT_MIN_TIMEOUT_MS = 1000;
export const DEFAULT_TIMEOUT_FACTOR = 20;

type Stage = 'prepare' | 'run';

/**
 * A fresh worker's first requests load and compile: until one of them has been seen to succeed,
 * their timeout is this many times the warm one.
 */
const COLD_MARGIN = 5;

/**
 * One SUT as a campaign (or a reduction) uses it:
 * - a worker that failed is not trusted: after a crash, hang, compile or runtime error the next
 *   test starts on a fresh worker;
 * - hang timeouts adapt to the SUT: the larger of 1 s and 20 times its slowest good request of the
 *   same kind so far (a fresh worker's first prepare and run are their own kind: they load and
 *   compile), capped by the full timeout, which is used until there is something to adapt to;
 * - the tests a worker ran since it started are kept, so that a finding which does not reproduce
 *   alone can be traced to the test that left the worker broken.
 * Without isolation (an adapter in this process) there is no worker to restart and no timeout.
 */
export class SutSession {
  readonly name: string;
  readonly family: string;
  private readonly control: WorkerControl | undefined;
  private dirty = false;
  /** The current worker has run a test since it started. */
  private used = false;
  /**
   * The current worker shares nothing with earlier ones: a worker process always; a browser page
   * only in a freshly launched browser (pages share its GPU process, whose crashes add up).
   */
  private pristine = false;
  private history: JudgedTest[] = [];
  private readonly slowest = new Map<string, number>();
  private readonly minMs: number;
  private readonly factor: number;
  /** Workers started afresh so far (after failures, for confirmations, to trace state bugs). */
  restarts = 0;
  /**
   * When the campaign's time is up (performance.now() ms): no request starts after it, and none
   * runs past it (see OutOfTime).
   */
  deadline: number | undefined;
  /** The current request's timeout was cut short by the deadline. */
  private cutByDeadline = false;

  constructor(
    readonly adapter: BackendAdapter,
    private readonly timeouts: SessionTimeouts,
    /** How its outputs are judged (default: per-element error bounds). */
    readonly judging: Judging = {},
  ) {
    this.name = adapter.name;
    this.family = familyOf(adapter);
    this.control = isIsolated(adapter) ? adapter : undefined;
    this.minMs = timeouts.minMs ?? DEFAULT_MIN_TIMEOUT_MS;
    this.factor = timeouts.factor ?? DEFAULT_TIMEOUT_FACTOR;
  }

  /** A verdict's signature on this SUT: its family, and ops named by the kernels that run them. */
  signatureOf(verdict: Verdict, model: Model, setup?: Model): BugSignature {
    return bugSignature(verdict, model, { family: this.family, ...(this.adapter.kernelOf ? { kernelOf: this.kernelOf } : {}), ...(setup ? { setup } : {}) });
  }

  /** A model's trigger on this SUT (see triggerOf), ops named by their kernels. */
  triggerOf(model: Model, output?: string): string[] {
    return triggerOf(model, output, this.kernelOf);
  }

  private readonly kernelOf = (op: string): string => this.adapter.kernelOf?.(op) ?? op;

  /** Whether findings can be confirmed in a fresh process (the adapter runs in a worker). */
  get isolated(): boolean {
    return this.control !== undefined;
  }

  /** The tests the current worker ran (and passed) since it started, oldest first (the last MAX_HISTORY). */
  get ranSinceStart(): readonly JudgedTest[] {
    return this.history;
  }

  /**
   * Runs a test with the adaptive timeout (or the full one). A verdict that is a bug, an error or a
   * capability gap leaves the worker suspect: the next test gets a fresh one.
   */
  async evaluate(test: JudgedTest, options: { fullTimeout?: boolean } = {}): Promise<BackendOutcome> {
    if (this.deadline !== undefined && performance.now() >= this.deadline) throw new OutOfTime();
    if (this.dirty) this.restart();
    const first = this.control !== undefined && !this.used;
    this.used = true;
    this.cutByDeadline = false;
    const outcome = await evaluateOnBackend(this.timed(options.fullTimeout === true), test, test.inputs, test.expected, this.judging);
    // Alone: the first test of a fresh worker; its verdict needs no second run to be confirmed. A
    // crash or hang may come from what a fresh page shares with earlier ones (its browser died of
    // an earlier test's GPU faults), so those count as alone only in a pristine worker.
    const alone = first && (this.pristine || !endsProcess(outcome.verdict));
    if (outcome.verdict.kind === 'hang' && this.cutByDeadline) {
      // Killed at the deadline, not by its own timeout: no verdict, and the worker is gone.
      this.dirty = true;
      throw new OutOfTime();
    }
    // An error leaves the worker suspect; a wrong value came back from a worker that still works
    // (should it have broken it, later findings will not reproduce alone and lead back to this test).
    if (endsWorker(outcome)) this.dirty = true;
    else if (this.control) {
      this.history.push(test);
      // A worker that stays healthy for thousands of tests would otherwise hold every one of them.
      if (this.history.length > MAX_HISTORY) this.history.shift();
    }
    return { ...outcome, alone };
  }

  /**
   * Runs a test alone in a fresh worker (at the full timeout unless told), a pristine one unless
   * told that a fresh one will do (a reduction's candidates of a bug confirmed pristine already).
   */
  async confirm(test: JudgedTest, options: { fullTimeout?: boolean; pristine?: boolean } = {}): Promise<BackendOutcome> {
    this.restart({ pristine: options.pristine ?? true });
    return this.evaluate(test, { fullTimeout: options.fullTimeout ?? true });
  }

  /**
   * In a fresh worker: the `setup` tests, then `test`; the worker is replaced afterwards. Undefined
   * when a setup test failed on its own this time (the worker was replaced, so `test` says nothing).
   */
  async afterSetup(setup: readonly JudgedTest[], test: JudgedTest): Promise<BackendOutcome | undefined> {
    this.restart();
    for (const t of setup) {
      await this.evaluate(t);
      if (this.dirty) return undefined;
    }
    const outcome = await this.evaluate(test);
    this.dirty = true;
    return outcome;
  }

  /** The next test starts on a fresh worker (after a test that holds a known state bug's trigger, say). */
  replaceWorker(): void {
    this.dirty = true;
  }

  private restart(options: { pristine?: boolean } = {}): void {
    if (this.control) this.restarts++;
    const fully = options.pristine === true ? this.control?.restartFully : undefined;
    if (fully) fully.call(this.control);
    else this.control?.restart();
    this.pristine = fully !== undefined || this.control?.restartFully === undefined;
    this.history = [];
    this.dirty = false;
    this.used = false;
  }

  /** The adapter with each prepare and run given its timeout, and timed when it succeeds. */
  private timed(full: boolean): BackendAdapter {
    const control = this.control;
    if (!control) return this.adapter;
    const request = async <T>(stage: Stage, call: () => Promise<T>): Promise<T> => {
      // A fresh worker's first prepare and run load and compile: they are timed apart.
      const cold = control.served() < 2;
      const own = full ? this.timeouts.fullMs : this.adaptiveTimeout(stage, cold);
      const left = this.deadline === undefined ? Infinity : this.deadline - performance.now();
      this.cutByDeadline = left < own;
      // Thrown here, OutOfTime would pass for the stage's error: the request times out at once instead.
      control.setRequestTimeout(this.cutByDeadline ? Math.max(1, Math.ceil(left)) : full ? undefined : own);
      const t0 = performance.now();
      const result = await call();
      const ms = performance.now() - t0;
      const kind = `${stage}/${cold ? 'cold' : 'warm'}`;
      if (ms > (this.slowest.get(kind) ?? 0)) this.slowest.set(kind, ms);
      return result;
    };
    return {
      ...this.adapter,
      prepare: (artifact) => request('prepare', () => this.adapter.prepare(artifact)),
      run: (prepared, inputs) => request('run', () => this.adapter.run(prepared, inputs)),
    };
  }

  /**
   * The timeout of a prepare or run: factor x the slowest one of the same kind (cold or warm) that
   * succeeded so far, at least the minimum, at most the full timeout; a cold one with no cold
   * precedent gets COLD_MARGIN x the warm timeout; with no precedent at all, the full timeout.
   */
  adaptiveTimeout(stage: Stage, cold: boolean): number {
    const clamp = (ms: number) => Math.min(this.timeouts.fullMs, Math.max(this.minMs, ms));
    const own = this.slowest.get(`${stage}/${cold ? 'cold' : 'warm'}`);
    if (own !== undefined) return clamp(this.factor * own);
    const warm = this.slowest.get(`${stage}/warm`);
    if (cold && warm !== undefined) return clamp(COLD_MARGIN * Math.max(this.minMs, this.factor * warm));
    return this.timeouts.fullMs;
  }

  /**
   * Runs a known-good one-node model (a Relu) twice on a fresh worker, when the SUT implements it:
   * the timeouts then adapt from the first test on. Says why the SUT does not work here, if it does not.
   */
  async calibrate(smoke: JudgedTest): Promise<string | undefined> {
    if (!this.adapter.supports('Relu', ['float32'])) return undefined;
    this.restart();
    for (let i = 0; i < 2; i++) {
      const outcome = await this.evaluate(smoke);
      if (outcome.verdict.kind !== 'ok') return `a Relu of [-1, 2] gave ${outcome.verdict.kind}${outcome.verdict.message ? `: ${outcome.verdict.message}` : ''}`;
    }
    // The first test gets a pristine worker, so that it counts as run alone.
    this.restart({ pristine: true });
    return undefined;
  }
}
