import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { isBrowserSut } from '../../src/backends/browser/names.js';
import { isIsolated } from '../../src/backends/isolation/isolated-adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { openReproCase, reproduceCase } from '../../src/campaign/repro.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { readCorpusEntry } from '../../src/store/corpus-entry.js';
import { ORT_DEVIATIONS, ortKnownBug } from '../../src/backends/onnxruntime-deviations.js';
import { ORT_WEBGPU_DEVIATIONS, ortWebGpuKnownBug } from '../../src/backends/browser/ort-webgpu-deviations.js';
import { TFJS_DEVIATIONS, tfjsKnownBug } from '../../src/backends/tfjs/deviations.js';
import { ORT_REWRITE_BUGS, ortRewriteKnownBug } from '../../src/backends/onnxruntime-rewrite-bugs.js';
import { readModelJsonFile } from '../../src/ir/json.js';
import type { Model } from '../../src/ir/model.js';
import { browserSkipReason } from '../support/browser-availability.js';
import { webGpuSkipReason } from '../support/webgpu-availability.js';

const CORPUS = 'corpus';
const registry = builtinRegistry();
const entries = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
/**
 * Further reduced cases of an entry's bug (another form of it): the entry's subfolders that are case
 * folders (with a meta.json), as ENTRY/SUBFOLDER. Replayed on the entry's SUTs like the entry.
 */
const subcases = entries
  .flatMap((name) =>
    readdirSync(join(CORPUS, name), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(CORPUS, name, d.name, 'meta.json')))
      .map((d) => `${name}/${d.name}`),
  )
  .sort();
const browserSkip = browserSkipReason();
const webGpuSkip = await webGpuSkipReason();

/** Where a SUT cannot run here, why (the replay of a bug on it is skipped, not failed). */
function cannotRun(sut: string): string | undefined {
  if (isBrowserSut(sut)) return browserSkip;
  if (sut === 'tfjs-webgpu') return webGpuSkip;
  return undefined;
}

const backends = builtinBackends();
const opened = new Map<string, BackendAdapter>();
afterAll(() => {
  for (const a of opened.values()) if (isIsolated(a)) a.close();
});

/**
 * A SUT without its recorded deviations: a corpus bug may be one of them (recorded so that
 * campaigns do not list it again), and the replay asks whether the SUT still has it.
 */
function sut(name: string): BackendAdapter {
  let adapter = opened.get(name);
  if (!adapter) {
    // Isolated, every one: a corpus bug may be a crash (onnxruntime's FastGelu fusion segfaults).
    adapter = backends.createIsolated(name, { timeoutMs: 60_000, memoryLimitMb: 8192 });
    opened.set(name, adapter);
  }
  // Each bug in a fresh page or worker, as a campaign confirms one: the last one may have broken it
  // (an aborted WebAssembly module).
  if (isIsolated(adapter)) adapter.restart();
  return { ...adapter, knownDeviation: () => undefined };
}

describe('the corpus of real bugs', () => {
  it('holds at least 12 bugs, each with its record, bug report and repro script, all listed in corpus/README.md', () => {
    expect(entries.length).toBeGreaterThanOrEqual(12);
    const index = readFileSync(join(CORPUS, 'README.md'), 'utf8');
    for (const name of entries) {
      const entry = readCorpusEntry(join(CORPUS, name, 'corpus.json'));
      for (const file of ['README.md', 'repro.mjs', 'model.json', 'model.onnx', 'inputs.json', 'expected.json', 'actual.json', 'meta.json']) {
        expect(existsSync(join(CORPUS, name, file)), `${name}/${file}`).toBe(true);
      }
      const report = readFileSync(join(CORPUS, name, 'README.md'), 'utf8');
      expect(report, name).toContain(`# ${entry.title}`);
      expect(report, name).toContain(entry.spec.sentence);
      expect(index, `corpus/README.md lists ${name}`).toContain(`(${name}/)`);
    }
    for (const sub of subcases) {
      for (const file of ['repro.mjs', 'model.json', 'model.onnx', 'inputs.json', 'expected.json', 'actual.json']) {
        expect(existsSync(join(CORPUS, sub, file)), `${sub}/${file}`).toBe(true);
      }
      const [name] = sub.split('/');
      expect(readCorpusEntry(join(CORPUS, name!, 'corpus.json')).explanation ?? '', `${name}'s explanation names ${sub}`).toContain(sub.slice(name!.length + 1));
    }
  });

  // A deviation that names a corpus entry counts the failures it matches as that bug: it must be
  // that bug, so the entry's own model must run into it.
  it('every recorded deviation that is a bug names a corpus entry whose model runs into it', () => {
    const named: { corpus: string; knownBug: (model: Model) => string | undefined }[] = [
      ...ORT_DEVIATIONS.filter((d) => d.corpus).map((d) => ({ corpus: d.corpus!, knownBug: (m: Model) => ortKnownBug(m)?.corpus })),
      ...ORT_WEBGPU_DEVIATIONS.filter((d) => d.corpus).map((d) => ({ corpus: d.corpus!, knownBug: (m: Model) => ortWebGpuKnownBug(m)?.corpus })),
      ...TFJS_DEVIATIONS.filter((d) => d.corpus).map((d) => ({ corpus: d.corpus!, knownBug: (m: Model) => tfjsKnownBug(d.backends[0]!, m)?.corpus })),
      ...ORT_REWRITE_BUGS.map((b) => ({ corpus: b.corpus, knownBug: (m: Model) => ortRewriteKnownBug(m, b.from, [b])?.corpus })),
    ];
    expect(named.length).toBeGreaterThan(0);
    for (const { corpus, knownBug } of named) {
      expect(entries, `corpus/${corpus}`).toContain(corpus);
      expect(knownBug(readModelJsonFile(join(CORPUS, corpus, 'model.json'))), `corpus/${corpus}'s model`).toBe(corpus);
    }
  });

  // Against the pinned versions: a bug that stops reproducing (an upgrade fixed it) fails here, and
  // its entry's status must say so.
  it.each([...entries, ...subcases])('%s still reproduces on every SUT it is replayed on', async (name) => {
    const entry = readCorpusEntry(join(CORPUS, name.split('/')[0]!, 'corpus.json'));
    const runnable = entry.replayOn.filter((s) => cannotRun(s) === undefined);
    for (const s of entry.replayOn.filter((x) => cannotRun(x) !== undefined)) console.log(`${name} on ${s} skipped: ${cannotRun(s)}`);
    if (runnable.length === 0) return;
    const replay = await reproduceCase(openReproCase(join(CORPUS, name), registry), runnable.map(sut), registry);
    const expected = entry.status === 'fixed' ? 'fixed' : 'reproduces';
    for (const r of replay.results) expect(r.status, r.line).toBe(expected);
  }, 180_000);
});
