import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { modelToOnnx } from '../export/to-onnx.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import { triggerOf } from '../oracles/signature.js';
import { runReference } from '../reference-runtime/executor.js';
import type { BugBook } from './bug-book.js';
import { readBugFolders, readCaseFolder } from '../store/case-folder.js';
import type { PendingReduction } from './findings.js';
import type { Progress } from '../store/progress.js';
import type { BugEntry } from '../store/summary.js';
import { readActualFile } from '../store/tensors-file.js';

/**
 * Removes the unreduced case folders whose reduction finished before the campaign was killed: a
 * reduction writes the reduced case under its new signature, then deletes the unreduced one, and a
 * kill between the two leaves both. The reduced case holds the same original test (model.json and
 * inputs.json, byte for byte), so the unreduced one is a copy. Returns the folders removed.
 */
export function dropSupersededCases(outDir: string): string[] {
  const folders = readBugFolders(outDir);
  const testOf = (dir: string) => ['model.json', 'inputs.json'].map((f) => readFileSync(join(outDir, dir, f), 'utf8')).join('\u0000');
  const reducedTests = new Set(folders.filter((f) => f.reducedNodes !== undefined).map((f) => testOf(f.dir)));
  const dropped: string[] = [];
  for (const f of folders) {
    if (f.reducedNodes !== undefined || !reducedTests.has(testOf(f.dir))) continue;
    rmSync(join(outDir, f.dir), { recursive: true, force: true });
    dropped.push(f.dir);
  }
  return dropped;
}

/**
 * The bug list of an interrupted campaign, rebuilt from its case folders (the source of truth:
 * progress.json may lag one listing behind) and the counts progress.json kept.
 */
export function rebuildBugEntries(outDir: string, progress: Progress): BugEntry[] {
  return readBugFolders(outDir).map(({ meta, dir }) => {
    const hash = meta.signature.hash;
    const folder = join(outDir, dir);
    const reduced = existsSync(join(folder, 'reduced', 'model.json')) ? readCaseFolder(join(folder, 'reduced')) : undefined;
    const identifying = reduced ?? readCaseFolder(folder);
    const trigger = triggerOf(identifying.setup?.model ?? identifying.model);
    const setupIndex = meta.setup?.testIndex;
    return {
      signature: hash,
      class: meta.signature.class,
      family: meta.signature.family,
      verdict: meta.verdict.kind,
      backend: meta.verdict.backend,
      seenOn: progress.seenOn[hash] ?? [meta.verdict.backend],
      dir,
      ops: meta.signature.ops,
      kernels: meta.signature.kernels ?? meta.signature.ops,
      triggers: progress.triggers[hash] ?? [trigger],
      pattern: meta.signature.pattern,
      firstSeen: { seed: meta.seed, testIndex: meta.testIndex },
      occurrences: progress.occurrences[hash] ?? 1,
      status: meta.status ?? 'new',
      ...(meta.verdict.message ? { message: meta.verdict.message } : {}),
      ...(reduced ? { reduced: { nodes: reduced.model.nodes.length, dir: join(dir, 'reduced') } } : {}),
      ...(meta.setup ? { setup: { ...(setupIndex !== undefined ? { testIndex: setupIndex } : {}), ops: meta.signature.ops } } : {}),
    };
  });
}

/** The bugs of an interrupted campaign that were waiting for reduction, loaded back from their case folders. */
export function loadPendingReductions(outDir: string, signatures: readonly string[], book: BugBook, registry: OpRegistry): PendingReduction[] {
  const pending: PendingReduction[] = [];
  for (const signature of signatures) {
    const entry = book.get(signature);
    if (!entry || entry.reduced) continue;
    const folder = join(outDir, entry.dir);
    const c = readCaseFolder(folder);
    if (!c.meta) continue;
    const expected = runReference(c.model, c.inputs, { registry }).outputs;
    pending.push({
      sessionName: c.meta.verdict.backend,
      signature,
      test: { model: c.model, onnx: modelToOnnx(c.model, registry), inputs: c.inputs, expected, testIndex: c.meta.testIndex },
      outcome: { verdict: c.meta.verdict, ...actualOf(folder) },
    });
  }
  return pending;
}

/** The SUT's outputs a case folder recorded (none for an error). */
function actualOf(folder: string): { actual?: Map<string, Tensor> } {
  const recorded = readActualFile(join(folder, 'actual.json'));
  return 'outputs' in recorded ? { actual: recorded.outputs } : {};
}
