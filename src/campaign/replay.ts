import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackendAdapter } from '../backends/adapter.js';
import { UserError } from '../ir/errors.js';
import { readModelJsonFile } from '../ir/json.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { validateModel } from '../opspec/validate.js';
import { readOnnxModelFile } from '../export/from-onnx.js';
import { cpuConstantFolder } from '../reference-runtime/folding/constant-folder.js';
import { modelToOnnx } from '../export/to-onnx.js';
import { Rng } from '../generator/rng.js';
import { randomInputs } from '../generator/values.js';
import { untrustedRun, type UntrustedValue } from '../inputsearch/clean.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference } from '../reference-runtime/executor.js';
import { readCaseFolder } from '../store/case-folder.js';
import { readInputsFile } from '../store/tensors-file.js';
import { evaluateOnBackend, type BackendOutcome } from '../oracles/evaluate.js';

export interface LoadedTest {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  /** Where the inputs came from: the case's inputs.json, or random from a seed. */
  readonly inputSource: string;
}

/**
 * Loads what `tensorsmith run` accepts: a case folder, a model.json or a model.onnx. Inputs come from
 * inputs.json (in the folder, or beside the model file) or, failing that, from the seed.
 */
export function loadTest(path: string, registry: OpRegistry, seed: string): LoadedTest {
  if (!existsSync(path)) throw new UserError(`'${path}' does not exist (give a case folder, a model.json or a model.onnx)`);
  if (statSync(path).isDirectory()) {
    const c = readCaseFolder(path);
    validateModel(c.model, registry);
    return { model: c.model, inputs: c.inputs, inputSource: join(path, 'inputs.json') };
  }
  let model: Model;
  if (path.endsWith('.onnx')) model = readOnnxModelFile(path, registry, { fold: cpuConstantFolder(registry) });
  else if (path.endsWith('.json')) model = readModelJsonFile(path);
  else throw new UserError(`'${path}' is neither a folder, a .json model nor an .onnx model`);
  validateModel(model, registry);
  const beside = join(dirname(path), 'inputs.json');
  if (existsSync(beside)) {
    const inputs = readInputsFile(beside);
    if (model.inputs.every((i) => inputs.has(i.name))) return { model, inputs, inputSource: beside };
  }
  return { model, inputs: randomInputs(model, new Rng(`${seed}/inputs`)), inputSource: `random (seed ${seed})` };
}

export interface ReplayResult {
  readonly outcomes: readonly BackendOutcome[];
  /** The test's ONNX bytes and the reference's outputs: what a case folder of a failure holds. */
  readonly onnx: Uint8Array;
  readonly expected: ReadonlyMap<string, Tensor>;
  /** Set when the reference itself computes NaN/Inf on these inputs. */
  readonly untrusted?: UntrustedValue;
}

/**
 * Runs a loaded test on the reference and on every adapter, and judges each. With `setup` (a state
 * bug's), each adapter runs that test first, whatever it gives: the test is judged after it.
 */
export async function replayTest(test: LoadedTest, adapters: readonly BackendAdapter[], registry: OpRegistry, setup?: LoadedTest): Promise<ReplayResult> {
  const reference = runReference(test.model, test.inputs, { registry });
  const untrusted = untrustedRun(test.model, test.inputs, reference, registry);
  const artifact = { model: test.model, onnx: modelToOnnx(test.model, registry) };
  const before = setup ? { artifact: { model: setup.model, onnx: modelToOnnx(setup.model, registry) }, expected: runReference(setup.model, setup.inputs, { registry }).outputs } : undefined;
  const outcomes: BackendOutcome[] = [];
  for (const adapter of adapters) {
    if (before && setup) await evaluateOnBackend(adapter, before.artifact, setup.inputs, before.expected);
    outcomes.push(await evaluateOnBackend(adapter, artifact, test.inputs, reference.outputs));
  }
  return { outcomes, onnx: artifact.onnx, expected: reference.outputs, ...(untrusted ? { untrusted } : {}) };
}
