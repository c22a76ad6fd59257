import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import type { Tensor } from '../ir/tensor.js';
import { isFloatDType } from '../ir/dtype.js';
import { roundToDType } from '../ir/float-format.js';
import { decodeOnnxModel, modelFromOnnx, onnxInputNames, UnsupportedModelError } from '../export/from-onnx.js';
import { decodeTensorFile } from '../export/tensor-proto.js';
import type { ConstantFolder } from '../export/shape-folding.js';
import type { OpRegistry } from '../opspec/registry.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import { runReference } from './executor.js';
import { cpuConstantFolder } from './folding/constant-folder.js';
import type { Model } from '../ir/model.js';

export interface ConformanceReport {
  passed: number;
  failed: number;
  skipped: number;
  failures: { test: string; reason: string }[];
  skips: { test: string; reason: string }[];
}

export const CONFORMANCE_RTOL = 1e-3;
export const CONFORMANCE_ATOL = 1e-7;

/**
 * Runs every ONNX node test folder under `dir` (each `test_*` with model.onnx and test_data_set_*)
 * through import and the reference runtime, comparing with the expected outputs.
 */
export async function runConformance(
  dir: string,
  options: { registry?: OpRegistry; filter?: RegExp; execute?: ConformanceExecutor } = {},
): Promise<ConformanceReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`conformance folder '${dir}' does not exist (give the folder holding the ONNX node tests' test_* folders)`);
  }
  const registry = options.registry ?? builtinRegistry();
  const tests = readdirSync(dir)
    .filter((n) => n.startsWith('test_') && existsSync(join(dir, n, 'model.onnx')))
    .filter((n) => !options.filter || options.filter.test(n))
    .sort();
  if (tests.length === 0) throw new UserError(`no ONNX node tests (test_*/model.onnx) under '${dir}'`);
  const report: ConformanceReport = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  const fold = cpuConstantFolder(registry);
  for (const test of tests) {
    const outcome = await runOne(join(dir, test), registry, fold, options.execute ?? cpuExecutor(registry));
    if (outcome.kind === 'pass') report.passed++;
    else if (outcome.kind === 'skip') {
      report.skipped++;
      report.skips.push({ test, reason: outcome.reason });
    } else {
      report.failed++;
      report.failures.push({ test, reason: outcome.reason });
    }
  }
  return report;
}

type Outcome = { kind: 'pass' } | { kind: 'skip'; reason: string } | { kind: 'fail'; reason: string };

/** Runs an imported model on one runtime: its outputs, or why this runtime does not run it. */
export type ConformanceExecutor = (model: Model, inputs: Map<string, Tensor>) => Promise<Map<string, Tensor> | { skip: string }>;

function cpuExecutor(registry: OpRegistry): ConformanceExecutor {
  return async (model, inputs) => runReference(model, inputs, { registry }).outputs;
}

async function runOne(folder: string, registry: OpRegistry, fold: ConstantFolder, execute: ConformanceExecutor): Promise<Outcome> {
  const sets = readdirSync(folder)
    .filter((n) => n.startsWith('test_data_set_'))
    .sort();
  if (sets.length === 0) return { kind: 'skip', reason: 'no test_data_set_* folder' };
  let proto;
  try {
    proto = decodeOnnxModel(new Uint8Array(readFileSync(join(folder, 'model.onnx'))));
  } catch (e) {
    return { kind: 'fail', reason: (e as Error).message };
  }
  const inputNames = onnxInputNames(proto);
  const nonTensor = (proto.graph?.input ?? []).find((vi) => inputNames.includes(vi.name ?? '') && !vi.type?.tensorType);
  if (nonTensor) return { kind: 'skip', reason: `input '${nonTensor.name}' is not a tensor (sequences and optionals are not supported)` };
  for (const set of sets) {
    const setDir = join(folder, set);
    const inputs = new Map<string, Tensor>();
    let model;
    try {
      inputNames.forEach((name, i) => {
        const file = join(setDir, `input_${i}.pb`);
        if (existsSync(file)) inputs.set(name, decodeTensorFile(new Uint8Array(readFileSync(file)), file));
      });
      // Shape-typed inputs (Reshape's shape...) become constants, as in tensorsmith models, and shape subgraphs fold.
      model = modelFromOnnx(proto, registry, { inputValues: inputs, fold });
    } catch (e) {
      if (e instanceof UnsupportedModelError) return { kind: 'skip', reason: e.message };
      return { kind: 'fail', reason: `import failed: ${(e as Error).message}` };
    }
    let outputs;
    try {
      const result = await execute(model, inputs);
      if ('skip' in result) return { kind: 'skip', reason: result.skip };
      outputs = result;
    } catch (e) {
      return { kind: 'fail', reason: `${set}: the reference runtime threw: ${(e as Error).message}` };
    }
    for (let i = 0; i < model.outputs.length; i++) {
      const file = join(setDir, `output_${i}.pb`);
      if (!existsSync(file)) continue;
      let expected: Tensor;
      try {
        expected = decodeTensorFile(new Uint8Array(readFileSync(file)), file);
      } catch (e) {
        // A damaged expected output fails this test; the others still run.
        return { kind: 'fail', reason: `${set} output ${i}: cannot read ${file} (${(e as Error).message.split('\n')[0]})` };
      }
      const mismatch = compareConformance(expected, outputs.get(model.outputs[i]!)!);
      if (mismatch) return { kind: 'fail', reason: `${set} output ${i}: ${mismatch}` };
    }
  }
  return { kind: 'pass' };
}

/** ONNX's runner rule: floats within rtol 1e-3 and atol 1e-7 (NaN matches NaN), others exact. */
export function compareConformance(expected: Tensor, actual: Tensor): string | undefined {
  if (expected.dtype !== actual.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (expected.shape.length !== actual.shape.length || expected.shape.some((d, i) => d !== actual.shape[i])) {
    return `shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`;
  }
  const float = isFloatDType(expected.dtype);
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const a = roundToDType(expected.dtype, actual.data[i]!);
    const ok = float
      ? (Number.isNaN(e) && Number.isNaN(a)) || e === a || Math.abs(a - e) <= CONFORMANCE_ATOL + CONFORMANCE_RTOL * Math.abs(e)
      : a === e;
    if (!ok) return `element ${i} is ${a}, expected ${e}`;
  }
  return undefined;
}
