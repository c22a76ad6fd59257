import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapterModule } from '../../src/backends/external.js';
import { builtinFactory } from '../../src/backends/isolation/builtin.js';
import { isolate } from '../../src/backends/isolation/isolated-adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { workerPids } from '../support/processes.js';
import { smallModel } from '../helpers.js';

const FAULTS = join(process.cwd(), 'test', 'fixtures', 'fault-adapters.mjs');
const model = smallModel();
const artifact = { model, onnx: modelToOnnx(model, builtinRegistry()) };


async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('worker processes', () => {
  it('a worker creates each built-in adapter from its own module, without the registry', async () => {
    // The browser SUTs are hosted by their pages, never by a worker process.
    for (const name of builtinBackends().workerHosted()) {
      const factory = builtinFactory(name);
      expect(factory, name).toBeDefined();
      expect((await factory!()).name).toBe(name);
    }
    expect(builtinFactory('ort-nonsense')).toBeUndefined();
  });

  it('keeps spares only while restarts come in a burst, and ends them once they wait unclaimed', async () => {
    const local = (await loadAdapterModule(FAULTS)).find((a) => a.name === 'fault-loop')!;
    const others = new Set(workerPids());
    const ours = () => workerPids().filter((p) => !others.has(p));
    const sut = isolate(local, { module: FAULTS, name: 'fault-loop' }, { timeoutMs: 10_000, memoryLimitMb: 1000, spares: 1, spareIdleMs: 3000 });
    try {
      await sut.prepare(artifact);
      // The first worker, and a first replacement: no burst yet, so no spare.
      sut.restart();
      await sut.prepare(artifact);
      await new Promise((r) => setTimeout(r, 500));
      expect(ours().length).toBe(1);
      // A second replacement soon after: a spare is started for the next one...
      sut.restart();
      await sut.prepare(artifact);
      await until(() => ours().length === 2);
      const currentAndSpare = ours();
      // ...which the next one takes, starting another spare: once that one has waited unclaimed for
      // the idle time and is ended, the current worker is the old spare. (Had the replacement been a
      // fresh start instead, the old spare would be the one ended.)
      sut.restart();
      await sut.prepare(artifact);
      await until(() => ours().length === 2);
      await until(() => ours().length === 1, 10_000);
      expect(currentAndSpare).toContain(ours()[0]);
      await sut.prepare(artifact);
    } finally {
      sut.close();
    }
    await until(() => ours().length === 0);
  }, 60_000);
});
