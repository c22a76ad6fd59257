import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { BUNDLED_CORPUS, corpusSignatures } from '../../src/campaign/corpus-bugs.js';
import { runFuzzCampaign } from '../../src/campaign/fuzz.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { formatCampaignEnd } from '../../src/cli/format-campaign.js';
import { buildReport } from '../../src/campaign/report/build.js';
import { renderReport } from '../../src/campaign/report/render.js';
import { tempDir } from '../helpers.js';
import type { BugEntry } from '../../src/store/summary.js';

const registry = builtinRegistry();

/** ref-cpu whose Sigmoid outputs are 0.5 too large. */
function sigmoidOff(): BackendAdapter {
  const ref = referenceCpuAdapter();
  return {
    ...ref,
    name: 'planted-sigmoid',
    async run(prepared, inputs) {
      const model = prepared as Parameters<typeof ref.run>[0];
      const out = await ref.run(model, inputs);
      const sigmoids = new Set(model.nodes.filter((n) => n.op === 'Sigmoid').flatMap((n) => n.outputs.map((o) => o.name)));
      const result = new Map<string, Tensor>();
      for (const [k, t] of out) result.set(k, sigmoids.has(k) ? { ...t, data: t.data.map((x) => x + 0.5) } : t);
      return result;
    },
  };
}

const campaign = async (outDir: string, corpusDir: string, options: { seed?: string; ops?: string[]; adapter?: BackendAdapter; reduce?: boolean } = {}) => ({
  outDir,
  summary: await runFuzzCampaign({
    seed: options.seed ?? 'corpus-known',
    timeSec: 60,
    maxTests: 20,
    outDir,
    corpusDir,
    generator: { maxNodes: 3, ops: options.ops ?? ['Sigmoid', 'Add', 'Relu'] },
    adapters: [options.adapter ?? sigmoidOff()],
    registry,
    toolVersion: 'test',
    ...(options.reduce === false ? {} : { reduction: { budget: { checks: 100, ms: 60_000 }, share: 1 } }),
  }),
});

/** A corpus folder whose one entry, planted-sigmoid-offset, is the first campaign's reduced Sigmoid bug. */
async function sigmoidCorpus(triage: { alsoShowsAs?: string[] } = {}): Promise<{ corpus: string; first: Awaited<ReturnType<typeof campaign>>; bug: BugEntry }> {
  const first = await campaign(tempDir(), tempDir());
  const bug = first.summary.bugs.find((b) => b.reduced)!;
  const corpus = tempDir();
  const entry = join(corpus, 'planted-sigmoid-offset');
  mkdirSync(entry);
  cpSync(join(first.outDir, bug.reduced!.dir), entry, { recursive: true });
  writeFileSync(join(entry, 'corpus.json'), JSON.stringify({ title: 'Sigmoid off by 0.5', seenOn: ['planted-sigmoid'], replayOn: ['planted-sigmoid'], spec: { op: 'Sigmoid', sentence: 'y = 1 / (1 + exp(-x))' }, status: 'open', ...triage }));
  return { corpus, first, bug };
}

describe('a campaign that meets a bug of the corpus', () => {
  it('lists it as known, by its corpus name, with its occurrences', async () => {
    // The first campaign's bug, reduced, made a corpus entry.
    const { corpus, first, bug } = await sigmoidCorpus();
    expect(bug.status).toBe('new');
    expect(corpusSignatures(corpus).get(bug.signature)).toBe('planted-sigmoid-offset');

    const again = await campaign(tempDir(), corpus);
    const known = again.summary.bugs.find((b) => b.signature === bug.signature)!;
    expect(known).toMatchObject({ status: 'known', corpus: 'planted-sigmoid-offset' });
    expect(known.occurrences).toBe(bug.occurrences);
    expect(again.summary.newBugs).toBe(first.summary.newBugs - 1);
    expect(formatCampaignEnd(again.summary, again.outDir)).toMatch(/known, corpus\/planted-sigmoid-offset: /);
    // The reports name it too.
    for (const format of ['md', 'html'] as const) {
      expect(renderReport(buildReport(again.outDir), format, 'test'), format).toContain('known (corpus/planted-sigmoid-offset)');
    }
  }, 120_000);

  it('takes another model that holds its reduced nodes for it: listed once as known, not confirmed nor reduced again', async () => {
    const { corpus } = await sigmoidCorpus();
    // Other models: another seed, other ops around the Sigmoid.
    const other = await campaign(tempDir(), corpus, { seed: 'corpus-known-other', ops: ['Sigmoid', 'Mul', 'Sub'] });
    expect(other.summary.bugs.length).toBe(1);
    const [known] = other.summary.bugs;
    expect(known).toMatchObject({ status: 'known', corpus: 'planted-sigmoid-offset', seenOn: ['planted-sigmoid'] });
    expect(known!.reduced).toBeUndefined();
    expect(known!.occurrences).toBeGreaterThan(1);
    expect(other.summary.newBugs).toBe(0);
    // Its first sighting here is its case folder, replayable like any other.
    expect(existsSync(join(other.outDir, known!.dir, 'repro.mjs'))).toBe(true);
  }, 120_000);

  it('counts a failure that a SUT\'s recorded bug names (knownBug) as that corpus bug, whatever its family', async () => {
    const { corpus } = await sigmoidCorpus();
    // Another code base (no trigger match by family) whose deviation data names the corpus bug.
    const adapter: BackendAdapter = {
      ...sigmoidOff(),
      name: 'other-sigmoid',
      family: 'another-runtime',
      knownBug: (model) => (model.nodes.some((n) => n.op === 'Sigmoid') ? { corpus: 'planted-sigmoid-offset', reason: 'Sigmoid is off by 0.5' } : undefined),
    };
    const other = await campaign(tempDir(), corpus, { adapter });
    expect(other.summary.bugs.map((b) => [b.status, b.corpus])).toEqual([['known', 'planted-sigmoid-offset']]);
    expect(other.summary.perBackend['other-sigmoid']!.verdicts.unsupported).toBe(0);
  }, 120_000);

  it('lists a finding whose reduced model the SUT\'s recorded bugs name as that corpus bug, though it fails another way', async () => {
    const { corpus } = await sigmoidCorpus();
    // The same defect seen as an error on another backend (tfjs-webgpu throws where tfjs-cpu computes wrong values).
    const ref = referenceCpuAdapter();
    const adapter: BackendAdapter = {
      ...ref,
      name: 'throwing-sigmoid',
      family: 'another-runtime',
      async run(prepared, inputs) {
        const model = prepared as Parameters<typeof ref.run>[0];
        if (model.nodes.some((n) => n.op === 'Sigmoid')) throw new Error('Sigmoid kernel: size mismatch');
        return ref.run(model, inputs);
      },
      knownBug: (model) => (model.nodes.length === 1 && model.nodes[0]!.op === 'Sigmoid' ? { corpus: 'planted-sigmoid-offset', reason: 'Sigmoid is off' } : undefined),
    };
    const other = await campaign(tempDir(), corpus, { adapter });
    expect(other.summary.bugs.map((b) => [b.status, b.corpus, b.verdict])).toEqual([['known', 'planted-sigmoid-offset', 'runtime-error']]);
    expect(other.summary.bugs[0]!.occurrences).toBeGreaterThan(1);
    expect(other.summary.newBugs).toBe(0);
  }, 120_000);

  it('lists a failure of a class the entry says the bug also shows as, in a model the SUT\'s recorded bugs name, as that corpus bug without reducing it', async () => {
    // A fusion that drops a value crashes one model and makes another invalid: the corpus entry says so.
    const { corpus } = await sigmoidCorpus({ alsoShowsAs: ['runtime-error'] });
    const ref = referenceCpuAdapter();
    const adapter: BackendAdapter = {
      ...ref,
      name: 'throwing-sigmoid',
      family: 'another-runtime',
      async run(prepared, inputs) {
        const model = prepared as Parameters<typeof ref.run>[0];
        if (model.nodes.some((n) => n.op === 'Sigmoid')) throw new Error('Sigmoid kernel: size mismatch');
        return ref.run(model, inputs);
      },
      knownBug: (model) => (model.nodes.some((n) => n.op === 'Sigmoid') ? { corpus: 'planted-sigmoid-offset', reason: 'Sigmoid is off' } : undefined),
    };
    const other = await campaign(tempDir(), corpus, { adapter, reduce: false });
    expect(other.summary.bugs.map((b) => [b.status, b.corpus, b.verdict, b.reduced])).toEqual([['known', 'planted-sigmoid-offset', 'runtime-error', undefined]]);
    expect(other.summary.newBugs).toBe(0);
    // Without the entry's word, a failure of another class waits for its reduction to be taken for the bug.
    const { corpus: plain } = await sigmoidCorpus();
    const unreduced = await campaign(tempDir(), plain, { adapter, reduce: false });
    expect(unreduced.summary.bugs.length).toBeGreaterThan(0);
    expect(unreduced.summary.bugs.every((b) => b.status === 'new' && b.corpus === undefined)).toBe(true);
  }, 120_000);

  it("reads tensorsmith's own corpus: a signature per entry", () => {
    const names = corpusSignatures(BUNDLED_CORPUS);
    expect(names.size).toBeGreaterThanOrEqual(12);
    expect([...names.values()]).toContain('onnxruntime-relu-clip-max');
  });
});
