import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import { modelToJson, readModelJsonFile, stableStringify } from '../ir/json.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { FailedTest } from '../oracles/sut-session.js';
import { readCaseMeta, requireCampaignMeta, type CaseMeta } from './case-meta.js';
import { writeReproHtml } from './repro-html.js';
import { writeReproScript } from './repro-script.js';
import { writeReproPython } from './repro-python.js';
import { actualFileText, boundsFileText, expectedFileText, inputsFileText, readInputsFile } from './tensors-file.js';
import { FLUSH_TO_ZERO, SAFETY_FACTOR } from '../oracles/compare.js';
import { outputBounds } from '../oracles/test-bounds.js';

export type { CaseMeta } from './case-meta.js';
export type { FailedTest } from '../oracles/sut-session.js';

/** What replays a test: the model, its ONNX bytes and its inputs. */
export interface TestFiles {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
}

export interface BugCase extends FailedTest {
  readonly meta: CaseMeta;
  /** The reduced test, written as `reduced/` inside the folder with the same layout. */
  readonly reduced?: BugCase;
  /** For a state bug: the test that, run first in the same SUT process, makes this one fail (setup/). */
  readonly setup?: TestFiles;
}

/** model.json, model.onnx and inputs.json: what replays a test. */
export function writeTestFiles(dir: string, test: TestFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), modelToJson(test.model));
  writeFileSync(join(dir, 'model.onnx'), test.onnx);
  writeFileSync(join(dir, 'inputs.json'), inputsFileText(test.inputs));
}

/**
 * Writes a bug case folder. Files go to a temporary sibling first and the folder is renamed into
 * place, so a folder that exists is complete even if the process dies mid-write.
 */
export function writeCaseFolder(dir: string, bug: BugCase): void {
  const tmp = `${dir}.tmp-${randomUUID().slice(0, 8)}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    writeCaseFiles(tmp, bug);
    if (bug.reduced) writeCaseFiles(join(tmp, 'reduced'), bug.reduced);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/**
 * The error bounds of a case's outputs, or none when the reference cannot compute them (a model the
 * reference refuses): the scripts then judge by the fixed tolerances, and the case is written anyway.
 */
function caseBounds(bug: BugCase): Map<string, Tensor> | undefined {
  try {
    return outputBounds(bug.model, bug.inputs, bug.expected);
  } catch {
    return undefined;
  }
}

/** The files of one case (no atomicity: the caller writes into a temporary folder). */
function writeCaseFiles(tmp: string, bug: BugCase): void {
  writeTestFiles(tmp, bug);
  writeFileSync(join(tmp, 'expected.json'), expectedFileText(bug.expected));
  writeFileSync(join(tmp, 'actual.json'), actualFileText(bug.meta.verdict.backend, bug.actual));
  writeFileSync(join(tmp, 'meta.json'), stableStringify(bug.meta));
  // The standalone scripts judge by the error bounds, as the campaign did (unless it ran --oracle fixed).
  if (bug.meta.config['oracle'] !== 'fixed') {
    const bounds = caseBounds(bug);
    if (bounds) writeFileSync(join(tmp, 'bounds.json'), boundsFileText(bounds, { safetyFactor: SAFETY_FACTOR, flushToZero: FLUSH_TO_ZERO }));
  }
  if (bug.setup) writeTestFiles(join(tmp, 'setup'), bug.setup);
  writeReproScript(tmp, { meta: bug.meta, model: bug.model });
  writeReproPython(tmp, { meta: bug.meta, model: bug.model });
  writeReproHtml(tmp, { meta: bug.meta, model: bug.model, onnx: bug.onnx, inputs: bug.inputs, expected: bug.expected, ...(bug.setup ? { setup: bug.setup } : {}) });
}

export interface LoadedCase {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  readonly meta?: CaseMeta;
  /** A state bug's setup test (setup/), run first in the same SUT process. */
  readonly setup?: { readonly model: Model; readonly inputs: Map<string, Tensor> };
}

/** Reads a case folder (model.json and inputs.json; meta.json and setup/ when present), every file checked. */
export function readCaseFolder(dir: string): LoadedCase {
  const modelFile = join(dir, 'model.json');
  const inputsFile = join(dir, 'inputs.json');
  if (!existsSync(modelFile)) throw new UserError(`'${dir}' is not a case folder: it has no model.json`);
  if (!existsSync(inputsFile)) throw new UserError(`case folder '${dir}' has no inputs.json`);
  const model = readModelJsonFile(modelFile);
  const inputs = readInputsFile(inputsFile);
  const metaFile = join(dir, 'meta.json');
  const meta = existsSync(metaFile) ? readCaseMeta(metaFile) : undefined;
  const setupDir = join(dir, 'setup');
  const setup = existsSync(join(setupDir, 'model.json')) ? readCaseFolder(setupDir) : undefined;
  return { model, inputs, ...(meta ? { meta } : {}), ...(setup ? { setup: { model: setup.model, inputs: setup.inputs } } : {}) };
}

/** A case folder of a campaign as resume finds it on disk. */
export interface BugFolder {
  readonly meta: CaseMeta;
  /** Relative to the campaign folder: bugs/<name>. */
  readonly dir: string;
  /** The node count of its reduced test, when it has one. */
  readonly reducedNodes?: number;
}

/**
 * The case folders of a campaign, read from disk: the source of truth after a crash. Temporary
 * folders of an interrupted write (`*.tmp-*`) are skipped; a folder whose meta.json or reduced
 * model cannot be read is a UserError naming the file, not dropped silently.
 */
export function readBugFolders(campaignDir: string): BugFolder[] {
  const bugsDir = join(campaignDir, 'bugs');
  if (!existsSync(bugsDir)) return [];
  const found: BugFolder[] = [];
  for (const name of readdirSync(bugsDir).sort()) {
    if (name.includes('.tmp-')) continue;
    const metaFile = join(bugsDir, name, 'meta.json');
    const meta = requireCampaignMeta(readCaseMeta(metaFile), metaFile);
    const reducedModel = join(bugsDir, name, 'reduced', 'model.json');
    const reducedNodes = existsSync(reducedModel) ? readModelJsonFile(reducedModel).nodes.length : undefined;
    found.push({ meta, dir: join('bugs', name), ...(reducedNodes !== undefined ? { reducedNodes } : {}) });
  }
  return found;
}
