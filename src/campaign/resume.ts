import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import { modelToOnnx } from '../export/to-onnx.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference } from '../reference-runtime/executor.js';
import type { BugBook } from './bug-book.js';
import { readCaseFolder } from '../store/case-folder.js';
import type { PendingReduction } from './findings.js';
import type { BugEntry } from '../store/summary.js';
import { readActualFile } from '../store/tensors-file.js';
import { readProgressFile } from '../store/progress.js';
import { SignatureDb } from '../store/signatures.js';

/**
 * Removes the case folders the step a kill interrupted had written: a bug folder that no committed
 * bug lists (a finding or a reduction not committed yet). The step runs again on resume and writes
 * them again. Returns the folders removed.
 */
export function dropUncommittedCases(outDir: string, committed: readonly BugEntry[]): string[] {
  const listed = new Set(committed.map((b) => b.dir));
  const bugs = join(outDir, 'bugs');
  if (!existsSync(bugs)) return [];
  const dropped: string[] = [];
  for (const name of readdirSync(bugs)) {
    const dir = join('bugs', name);
    if (listed.has(dir)) continue;
    rmSync(join(outDir, dir), { recursive: true, force: true });
    dropped.push(dir);
  }
  return dropped;
}

/**
 * Reads what resuming the campaign in outDir will read (progress.json, the signature database, the
 * committed bugs' case folders), so that a damaged file is refused in one line before anything
 * starts or prints.
 */
export function checkResumable(outDir: string, knownPath: string): void {
  // What the campaign rewrites must be what it was: a file where a file goes, a folder where a folder goes.
  for (const [name, folder] of [['summary.json', false], ['progress.json', false], ['signatures.json', false], ['campaign.json', false], ['bugs', true], ['current', true]] as const) {
    const path = join(outDir, name);
    if (existsSync(path) && statSync(path).isDirectory() !== folder) {
      throw new UserError(`${path} is a ${folder ? 'file' : 'folder'}, not the ${folder ? 'folder' : 'file'} a campaign writes there: the campaign folder is damaged, start a new one`);
    }
  }
  const progress = readProgressFile(outDir);
  SignatureDb.open(knownPath);
  for (const bug of progress?.bugs ?? []) {
    const folder = join(outDir, bug.dir);
    readCaseFolder(folder);
    if (progress!.pending.includes(bug.signature)) actualOf(folder);
  }
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
