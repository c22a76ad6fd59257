import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapterModule } from '../../src/backends/external.js';
import { isolate, SutInterrupted } from '../../src/backends/isolation/isolated-adapter.js';
import { WorkerProcess } from '../../src/backends/isolation/worker-process.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { writeCaseFolder } from '../../src/store/case-folder.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { workerPids } from '../support/processes.js';
import { smallModel, tempDir } from '../helpers.js';

const FAULTS = join(process.cwd(), 'test', 'fixtures', 'fault-adapters.mjs');
const registry = builtinRegistry();
const model = smallModel();
const artifact = { model, onnx: modelToOnnx(model, registry) };
const inputs = new Map([
  ['x', makeTensor('float32', [2, 3], [1, -1, 2, 0, 3, -4])],
  ['y', makeTensor('float32', [2], [10, 20])],
]);
const expected = new Map([['out', makeTensor('float64', [2, 2], [21, 34, 19, 32])]]);
const limits = { timeoutMs: 3000, memoryLimitMb: 400 };

describe('isolated adapters', () => {
  it.each([
    ['fault-segv', 'crash', /signal SIGSEGV/],
    ['fault-abort', 'crash', /signal SIGABRT/],
    ['fault-throw', 'crash', /exit code 1.*uncaught inside the SUT/],
    ['fault-loop', 'hang', /did not answer within 3000 ms/],
    ['fault-alloc', 'crash', /past the memory limit of 400 MB/],
  ])('%s gives a %s verdict in time, and the next request gets a fresh worker', async (name, kind, message) => {
    const local = (await loadAdapterModule(FAULTS)).find((a) => a.name === name)!;
    const sut = isolate(local, { module: FAULTS, name }, limits);
    try {
      const t0 = performance.now();
      const outcome = await evaluateOnBackend(sut, artifact, inputs, expected);
      expect(outcome.verdict.kind).toBe(kind);
      expect(outcome.verdict.message).toMatch(message);
      expect(performance.now() - t0).toBeLessThan(limits.timeoutMs + 5000);
      // The campaign goes on: the case folder can be written and a second test runs again.
      const dir = join(tempDir(), 'case');
      writeCaseFolder(dir, {
        model,
        onnx: artifact.onnx,
        inputs,
        expected,
        actual: { error: outcome.verdict.message! },
        meta: {
          format: 'tensorsmith.case/1',
          seed: 's',
          testIndex: 0,
          toolVersion: 'test',
          backends: [],
          config: {},
          verdict: outcome.verdict,
          signature: { class: kind, family: name, ops: [], kernels: [], pattern: '', hash: 'h' },
          timings: {},
          createdAt: 'now',
        },
      });
      expect(existsSync(join(dir, 'meta.json'))).toBe(true);
      expect((await evaluateOnBackend(sut, artifact, inputs, expected)).verdict.kind).toBe(kind);
    } finally {
      sut.close();
    }
  }, 30_000);

  it("keeps workers out of the terminal's process group, and a worker stopped from outside is no verdict", async () => {
    /** The process group of a process (field 5 of /proc/PID/stat, after the command name in parentheses). */
    const groupOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
    const worker = await WorkerProcess.start('fault-loop', { module: FAULTS, name: 'fault-loop' }, { timeoutMs: 20_000, memoryLimitMb: 400 });
    try {
      // A Ctrl-C signals the terminal's foreground group: the worker is not in it.
      expect(groupOf(worker.pid!)).not.toBe(groupOf(process.pid));
      const prepared = await worker.request({ kind: 'prepare', model: artifact.model, onnx: artifact.onnx }, 20_000);
      // fault-loop spins forever in run.
      const stuck = worker.request({ kind: 'run', handle: prepared.ok ? prepared.handle! : -1, inputs: [...inputs] }, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      process.kill(worker.pid!, 'SIGINT');
      const error = await stuck.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SutInterrupted);
      expect((error as Error).message).toMatch(/stopped by SIGINT from outside tensorsmith .* that is no verdict/);
      // And evaluating a test does not turn it into a crash verdict: the error goes through.
      const sut = isolate((await loadAdapterModule(FAULTS)).find((a) => a.name === 'fault-loop')!, { module: FAULTS, name: 'fault-loop' }, { timeoutMs: 20_000, memoryLimitMb: 400 });
      try {
        const judged = evaluateOnBackend(sut, artifact, inputs, expected);
        await new Promise((r) => setTimeout(r, 1500));
        for (const pid of workerPids()) process.kill(pid, 'SIGINT');
        await expect(judged).rejects.toBeInstanceOf(SutInterrupted);
      } finally {
        sut.close();
      }
    } finally {
      worker.kill();
    }
  }, 30_000);

  it('runs a healthy built-in adapter in a worker with the same results', async () => {
    const sut = isolate(builtinBackends().create('ort-disabled'), { builtin: 'ort-disabled' }, limits);
    try {
      const outcome = await evaluateOnBackend(sut, artifact, inputs, expected);
      expect(outcome.verdict.kind).toBe('ok');
      expect(Array.from(outcome.actual!.get('out')!.data)).toEqual([21, 34, 19, 32]);
    } finally {
      sut.close();
    }
  });
});

