import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { readCaseFolder } from '../../src/store/case-folder.js';
import { runFuzzCampaign } from '../../src/campaign/fuzz.js';
import { mergeCampaigns } from '../../src/campaign/merge.js';
import { SignatureDb } from '../../src/store/signatures.js';
import { loadTest, replayTest } from '../../src/campaign/replay.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { tempDir } from '../helpers.js';

const registry = builtinRegistry();

/** ref-cpu with a planted bug: Sigmoid outputs are off by 0.5 wherever the model has a Sigmoid output. */
function sigmoidBugAdapter(): BackendAdapter {
  const ref = referenceCpuAdapter();
  return {
    ...ref,
    name: 'planted-sigmoid',
    async run(prepared, inputs) {
      const model = prepared as Parameters<typeof ref.run>[0];
      const out = await ref.run(model, inputs);
      const sigmoidOutputs = new Set(model.nodes.filter((n) => n.op === 'Sigmoid').flatMap((n) => n.outputs.map((o) => o.name)));
      const result = new Map<string, Tensor>();
      for (const [k, t] of out) result.set(k, sigmoidOutputs.has(k) ? { ...t, data: t.data.map((x) => x + 0.5) } : t);
      return result;
    },
  };
}

/** Refuses every model with Conv at prepare time. */
function convCompileErrorAdapter(): BackendAdapter {
  const ref = referenceCpuAdapter();
  return {
    ...ref,
    name: 'planted-conv',
    async prepare(artifact) {
      if (artifact.model.nodes.some((n) => n.op === 'Conv')) throw new Error(`Conv kernel missing for node ${artifact.model.nodes[0]!.name}`);
      return ref.prepare(artifact);
    },
  };
}

describe('the fuzz campaign', () => {
  it('finds planted bugs, writes complete case folders and a summary that agrees with them', async () => {
    const out = tempDir();
    const summary = await runFuzzCampaign({
      seed: 'planted',
      timeSec: 60,
      maxTests: 60,
      outDir: out,
      generator: { maxNodes: 4, ops: ['Sigmoid', 'Conv', 'Add', 'Relu'] },
      adapters: [sigmoidBugAdapter(), convCompileErrorAdapter(), referenceCpuAdapter()],
      registry,
      toolVersion: 'test',
    });
    expect(summary.tests).toBe(60);
    const kinds = new Set(summary.bugs.map((b) => `${b.verdict}@${b.backend}`));
    expect(kinds.has('wrong-result@planted-sigmoid')).toBe(true);
    expect(kinds.has('compile-error@planted-conv')).toBe(true);
    expect(summary.bugs.some((b) => b.backend === 'ref-cpu')).toBe(false);
    // One compile-error signature per op set: occurrences count the repeats.
    const compileErrors = summary.bugs.filter((b) => b.verdict === 'compile-error');
    expect(compileErrors.reduce((a, b) => a + b.occurrences, 0)).toBe(summary.verdicts['compile-error']);
    const onDisk = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(onDisk.tests).toBe(60);
    expect(onDisk.bugs.map((b: { signature: string }) => b.signature).sort()).toEqual(readdirSync(join(out, 'bugs')).sort());
    for (const bug of summary.bugs) {
      for (const f of ['model.json', 'model.onnx', 'inputs.json', 'expected.json', 'actual.json', 'meta.json']) {
        expect(existsSync(join(out, bug.dir, f))).toBe(true);
      }
      const c = readCaseFolder(join(out, bug.dir));
      expect(c.meta!.verdict.kind).toBe(bug.verdict);
    }
  });

  it('reports only bugs new to the signature database, and a bug marked fixed as a regression', async () => {
    const known = join(tempDir(), 'known.json');
    const run = (out: string) =>
      runFuzzCampaign({
        seed: 'nightly',
        timeSec: 60,
        maxTests: 15,
        outDir: out,
        generator: { maxNodes: 3, ops: ['Sigmoid', 'Add'] },
        adapters: [sigmoidBugAdapter()],
        registry,
        toolVersion: 'test',
        knownPath: known,
      });
    const first = await run(tempDir());
    expect(first.bugs.length).toBeGreaterThan(0);
    expect(first.newBugs).toBe(first.bugs.length);
    const second = await run(tempDir());
    expect(second.bugs.map((b) => b.status)).toEqual(second.bugs.map(() => 'known'));
    expect(second.newBugs + second.regressions).toBe(0);
    const db = SignatureDb.open(known);
    db.markFixed([second.bugs[0]!.signature], new Date().toISOString());
    db.save();
    const third = await run(tempDir());
    expect(third.regressions).toBe(1);
    expect(third.bugs.find((b) => b.signature === second.bugs[0]!.signature)!.status).toBe('regression');
  });

  it('two shards merged find the same bugs as one campaign over the same test indices', async () => {
    const options = (out: string) => ({
      seed: 'shards',
      timeSec: 120,
      indexLimit: 40,
      outDir: out,
      generator: { maxNodes: 4, ops: ['Sigmoid', 'Conv', 'Add', 'Relu', 'Tanh'] },
      adapters: [sigmoidBugAdapter(), convCompileErrorAdapter()],
      registry,
      toolVersion: 'test',
    });
    const whole = await runFuzzCampaign(options(tempDir()));
    const [a, b] = [tempDir(), tempDir()];
    await runFuzzCampaign({ ...options(a), shard: { index: 0, count: 2 } });
    await runFuzzCampaign({ ...options(b), shard: { index: 1, count: 2 } });
    const merged = mergeCampaigns([a, b], tempDir());
    expect(merged.bugs.map((x) => x.signature).sort()).toEqual(whole.bugs.map((x) => x.signature).sort());
    expect(merged.tests).toBe(whole.tests);
    expect(merged.verdicts).toEqual(whole.verdicts);
    expect(merged.bugs.map((x) => [x.signature, x.occurrences]).sort()).toEqual(whole.bugs.map((x) => [x.signature, x.occurrences]).sort());
  });

  it('resumes where it stopped without losing or repeating a case', async () => {
    const options = {
      seed: 'resume',
      timeSec: 120,
      outDir: tempDir(),
      generator: { maxNodes: 3, ops: ['Sigmoid', 'Add', 'Conv'] },
      adapters: [sigmoidBugAdapter(), convCompileErrorAdapter()],
      registry,
      toolVersion: 'test',
    };
    const whole = await runFuzzCampaign({ ...options, outDir: tempDir(), indexLimit: 30 });
    await runFuzzCampaign({ ...options, indexLimit: 12 });
    const resumed = await runFuzzCampaign({ ...options, indexLimit: 30, resume: true });
    expect(resumed.tests).toBe(whole.tests);
    expect(resumed.bugs.map((x) => [x.signature, x.occurrences]).sort()).toEqual(whole.bugs.map((x) => [x.signature, x.occurrences]).sort());
    expect(readdirSync(join(options.outDir, 'bugs')).sort()).toEqual(whole.bugs.map((x) => x.signature).sort());
  });

  it('a case folder replays to the same verdict', async () => {
    const out = tempDir();
    const summary = await runFuzzCampaign({
      seed: 'replay',
      timeSec: 60,
      maxTests: 20,
      outDir: out,
      generator: { maxNodes: 3, ops: ['Sigmoid', 'Add'] },
      adapters: [sigmoidBugAdapter()],
      registry,
      toolVersion: 'test',
    });
    const dir = join(out, summary.bugs[0]!.dir);
    const replay = await replayTest(loadTest(dir, registry, '0'), [sigmoidBugAdapter()], registry);
    expect(replay.outcomes[0]!.verdict.kind).toBe('wrong-result');
    const fixed = await replayTest(loadTest(dir, registry, '0'), [referenceCpuAdapter()], registry);
    expect(fixed.outcomes[0]!.verdict.kind).toBe('ok');
  });
});
