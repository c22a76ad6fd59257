import { describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { runFuzzCampaign } from '../../src/campaign/fuzz.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { tempDir } from '../helpers.js';

const registry = builtinRegistry();

/** ref-cpu whose Sigmoid outputs are off by `offset`: a bug of its family's shared code. */
function sigmoidOff(args: { name: string; family: string; offset: number; sharesCodeWith?: readonly string[] }): BackendAdapter {
  const ref = referenceCpuAdapter();
  return {
    ...ref,
    name: args.name,
    family: args.family,
    ...(args.sharesCodeWith ? { sharesCodeWith: args.sharesCodeWith } : {}),
    async run(prepared, inputs) {
      const model = prepared as Parameters<typeof ref.run>[0];
      const out = await ref.run(model, inputs);
      const sigmoids = new Set(model.nodes.filter((n) => n.op === 'Sigmoid').flatMap((n) => n.outputs.map((o) => o.name)));
      const result = new Map<string, Tensor>();
      for (const [k, t] of out) result.set(k, sigmoids.has(k) ? { ...t, data: t.data.map((x) => x + args.offset) } : t);
      return result;
    },
  };
}

async function campaign(adapters: BackendAdapter[]) {
  return runFuzzCampaign({
    seed: 'shared-code',
    timeSec: 60,
    maxTests: 30,
    outDir: tempDir(),
    generator: { maxNodes: 3, ops: ['Sigmoid', 'Add', 'Relu'] },
    adapters,
    registry,
    toolVersion: 'test',
  });
}

describe('a SUT that runs another family\'s code too (sharesCodeWith)', () => {
  it('lists a failure it shows the same way as that family\'s SUT once, as that family\'s bug seen on both', async () => {
    // The sharing SUT first: the order of --backends must not decide whose bug it is.
    const summary = await campaign([
      sigmoidOff({ name: 'gpu', family: 'engine-gpu', offset: 0.5, sharesCodeWith: ['engine'] }),
      sigmoidOff({ name: 'cpu', family: 'engine', offset: 0.5 }),
    ]);
    expect(summary.bugs.length).toBeGreaterThan(0);
    expect(summary.bugs.every((b) => b.family === 'engine')).toBe(true);
    expect(summary.bugs.some((b) => b.seenOn.includes('gpu') && b.seenOn.includes('cpu'))).toBe(true);
  }, 120_000);

  it('lists it as its own when its values differ from that SUT\'s, or when it declares no sharing', async () => {
    const differs = await campaign([
      sigmoidOff({ name: 'gpu', family: 'engine-gpu', offset: 0.7, sharesCodeWith: ['engine'] }),
      sigmoidOff({ name: 'cpu', family: 'engine', offset: 0.5 }),
    ]);
    expect(new Set(differs.bugs.map((b) => b.family))).toEqual(new Set(['engine', 'engine-gpu']));
    const unrelated = await campaign([sigmoidOff({ name: 'gpu', family: 'engine-gpu', offset: 0.5 }), sigmoidOff({ name: 'cpu', family: 'engine', offset: 0.5 })]);
    expect(new Set(unrelated.bugs.map((b) => b.family))).toEqual(new Set(['engine', 'engine-gpu']));
  }, 120_000);
});
