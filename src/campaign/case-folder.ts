import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import { modelToJson, readJsonFile, readModelJsonFile, stableStringify } from '../ir/json.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { readInputsJsonFile, tensorsToJson } from '../ir/tensor-json.js';
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
  const model = readModelJsonFile(modelFile);
  const inputs = readInputsJsonFile(inputsFile);
  const metaFile = join(dir, 'meta.json');
  const meta = existsSync(metaFile) ? checkCaseMeta(readJsonFile(metaFile), metaFile) : undefined;
  const setupDir = join(dir, 'setup');
  const setup = existsSync(join(setupDir, 'model.json')) ? readCaseFolder(setupDir) : undefined;
  return { model, inputs, ...(meta ? { meta } : {}), ...(setup ? { setup: { model: setup.model, inputs: setup.inputs } } : {}) };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);

/**
 * Checks the types of the meta.json fields that run, repro, reduce and resume read, so that a damaged
 * record gives one line naming the file and the field rather than an internal error later. Fields
 * may be absent (older records); present ones must have the right type.
 */
export function checkCaseMeta(raw: unknown, file: string): CaseMeta {
  const bad = (field: string, want: string, got: unknown): never => {
    throw new UserError(`${file}: "${field}" must be ${want}, got ${kindOf(got) === 'object' ? 'an object' : JSON.stringify(got) ?? kindOf(got)}; fix the field or regenerate the case`);
  };
  if (!isObject(raw)) bad('(the whole file)', 'a JSON object (a tensorsmith case record)', raw);
  const m = raw as Record<string, unknown>;
  const optString = (field: string) => {
    if (m[field] !== undefined && typeof m[field] !== 'string') bad(field, 'a string', m[field]);
  };
  optString('seed');
  optString('toolVersion');
  optString('createdAt');
  optString('family');
  optString('status');
  if (m.testIndex !== undefined && !(Number.isInteger(m.testIndex) && (m.testIndex as number) >= 0)) bad('testIndex', 'a non-negative integer', m.testIndex);
  if (m.backends !== undefined) {
    if (!Array.isArray(m.backends)) bad('backends', 'a list of SUT descriptions ({"name", "package", "version"})', m.backends);
    (m.backends as unknown[]).forEach((b, i) => {
      if (!isObject(b)) bad(`backends[${i}]`, 'a SUT description ({"name", "package", "version"})', b);
      const d = b as Record<string, unknown>;
      for (const k of ['name', 'package', 'version']) {
        if (d[k] !== undefined && typeof d[k] !== 'string') bad(`backends[${i}].${k}`, 'a string', d[k]);
      }
      if (typeof d.name !== 'string') bad(`backends[${i}].name`, 'a string', d.name);
    });
  }
  if (m.config !== undefined && !isObject(m.config)) bad('config', 'an object', m.config);
  if (m.timings !== undefined && !isObject(m.timings)) bad('timings', 'an object', m.timings);
  if (m.reduction !== undefined && !isObject(m.reduction)) bad('reduction', 'an object', m.reduction);
  if (m.verdict !== undefined) {
    if (!isObject(m.verdict)) bad('verdict', 'an object', m.verdict);
    const v = m.verdict as Record<string, unknown>;
    if (v.backend !== undefined && typeof v.backend !== 'string') bad('verdict.backend', 'a string', v.backend);
    if (v.message !== undefined && typeof v.message !== 'string') bad('verdict.message', 'a string', v.message);
  }
  if (m.signature !== undefined) {
    if (!isObject(m.signature)) bad('signature', 'an object', m.signature);
    const sig = m.signature as Record<string, unknown>;
    if (sig.hash !== undefined && typeof sig.hash !== 'string') bad('signature.hash', 'a string', sig.hash);
    for (const k of ['ops', 'kernels']) {
      const list = sig[k];
      if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string'))) bad(`signature.${k}`, 'a list of op names', list);
    }
  }
  if (m.setup !== undefined) {
    if (!isObject(m.setup)) bad('setup', 'an object', m.setup);
    const t = (m.setup as Record<string, unknown>).testIndex;
    if (t !== undefined && !(Number.isInteger(t) && (t as number) >= 0)) bad('setup.testIndex', 'a non-negative integer', t);
  }
  return raw as unknown as CaseMeta;
}
