import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import { modelFromJson, modelToJson, stableStringify } from '../ir/json.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { tensorsFromJson, tensorsToJson } from '../ir/tensor-json.js';
import type { BugSignature } from '../oracles/signature.js';
import type { Verdict } from '../oracles/verdict.js';
import type { BugStatus } from './signature-db.js';
import { writeReproScript } from './repro-script.js';

export interface CaseMeta {
  readonly format: 'tensorsmith.case/1';
  readonly seed: string;
  readonly testIndex: number;
  readonly toolVersion: string;
  readonly backends: readonly { name: string; package: string; version: string }[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly verdict: Verdict;
  readonly signature: BugSignature;
  readonly timings: Readonly<Record<string, number | undefined>>;
  readonly createdAt: string;
  /** Against the signature database when the bug was found. */
  readonly status?: BugStatus;
  /** For a reduced case: how the reduction went (nodes before and after, checks, time). */
  readonly reduction?: Readonly<Record<string, number | boolean>>;
  /**
   * A state bug: the test fails only after the test in setup/ ran in the same SUT process (that
   * test's campaign index, when it has one). Replays run setup/ first.
   */
  readonly setup?: { readonly testIndex?: number };
  /** The SUT family (see BackendAdapter.family). */
  readonly family?: string;
}

/** What replays a test: the model, its ONNX bytes and its inputs. */
export interface TestFiles {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
}

/** A test as a SUT failed it: the model, its inputs, the reference's outputs and the SUT's. */
export interface FailedTest {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly expected: ReadonlyMap<string, Tensor>;
  /** The SUT's outputs, or its error. */
  readonly actual: ReadonlyMap<string, Tensor> | { error: string };
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
  writeFileSync(join(dir, 'inputs.json'), stableStringify({ format: 'tensorsmith.inputs/1', inputs: tensorsToJson(test.inputs) }));
}

/**
 * Writes a bug case folder. Files go to a temporary sibling first and the folder is renamed into
 * place, so a folder that exists is complete even if the process dies mid-write.
 */
export function writeCaseFolder(dir: string, bug: BugCase): void {
  const tmp = `${dir}.tmp-${randomUUID().slice(0, 8)}`;
  rmSync(tmp, { recursive: true, force: true });
  writeCaseFiles(tmp, bug);
  if (bug.reduced) writeCaseFiles(join(tmp, 'reduced'), bug.reduced);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** The files of one case (no atomicity: the caller writes into a temporary folder). */
function writeCaseFiles(tmp: string, bug: BugCase): void {
  writeTestFiles(tmp, bug);
  writeFileSync(
    join(tmp, 'expected.json'),
    stableStringify({
      format: 'tensorsmith.outputs/1',
      note: 'reference runtime outputs (computed with float64 kernels, stored in each output dtype)',
      outputs: tensorsToJson(bug.expected),
    }),
  );
  const actual = 'error' in bug.actual ? { error: bug.actual.error } : { outputs: tensorsToJson(bug.actual as ReadonlyMap<string, Tensor>) };
  writeFileSync(join(tmp, 'actual.json'), stableStringify({ format: 'tensorsmith.outputs/1', backend: bug.meta.verdict.backend, ...actual }));
  writeFileSync(join(tmp, 'meta.json'), stableStringify(bug.meta));
  if (bug.setup) writeTestFiles(join(tmp, 'setup'), bug.setup);
  writeReproScript(tmp, { meta: bug.meta, model: bug.model });
}

export interface LoadedCase {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  readonly meta?: CaseMeta;
  /** A state bug's setup test (setup/), run first in the same SUT process. */
  readonly setup?: { readonly model: Model; readonly inputs: Map<string, Tensor> };
}

/** Reads a case folder (model.json and inputs.json; meta.json when present). */
export function readCaseFolder(dir: string): LoadedCase {
  const modelFile = join(dir, 'model.json');
  const inputsFile = join(dir, 'inputs.json');
  if (!existsSync(modelFile)) throw new UserError(`'${dir}' is not a case folder: it has no model.json`);
  if (!existsSync(inputsFile)) throw new UserError(`case folder '${dir}' has no inputs.json`);
  const model = modelFromJson(readFileSync(modelFile, 'utf8'));
  let raw: { inputs?: unknown };
  try {
    raw = JSON.parse(readFileSync(inputsFile, 'utf8')) as { inputs?: unknown };
  } catch (e) {
    throw new UserError(`${inputsFile} is not valid JSON (${(e as Error).message})`);
  }
  const inputs = tensorsFromJson(raw.inputs, inputsFile);
  const metaFile = join(dir, 'meta.json');
  let meta: CaseMeta | undefined;
  if (existsSync(metaFile)) {
    try {
      meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CaseMeta;
    } catch (e) {
      throw new UserError(`${metaFile} is not valid JSON (${(e as Error).message})`);
    }
  }
  const setupDir = join(dir, 'setup');
  const setup = existsSync(join(setupDir, 'model.json')) ? readCaseFolder(setupDir) : undefined;
  return { model, inputs, ...(meta ? { meta } : {}), ...(setup ? { setup: { model: setup.model, inputs: setup.inputs } } : {}) };
}
