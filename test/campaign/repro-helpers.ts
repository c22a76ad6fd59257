import { runCli } from '../../src/cli/program.js';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { writeCaseFolder } from '../../src/store/case-folder.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { captureIo } from '../helpers.js';

/** Runs `tensorsmith repro ARGV` as the CLI does (a UserError: exit 2, its one line on stderr). */
export async function repro(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(['repro', ...argv], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const registry = builtinRegistry();

/** x[2,3] -> Log -> Add w[3] -> out: a model the log-wrong fixture SUT gets wrong by 0.5. */
export function logModel(): Model {
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
    weights: [{ name: 'w', value: makeTensor('float32', [3], [1, 2, 3]) }],
    nodes: [
      { name: 'log', op: 'Log', inputs: ['x'], outputs: [{ name: 'l', dtype: 'float32', shape: [2, 3] }], attrs: {} },
      { name: 'add', op: 'Add', inputs: ['l', 'w'], outputs: [{ name: 'out', dtype: 'float32', shape: [2, 3] }], attrs: {} },
    ],
    outputs: ['out'],
  };
}

export const POSITIVE_X = makeTensor('float32', [2, 3], [0.5, 1, 1.5, 2, 2.5, 3]);

/**
 * Writes a bug case folder by hand, as a campaign would: the model, its inputs, the reference's
 * outputs and a meta.json recording `verdict` (judged here on `adapter` unless given).
 */
export async function writeCase(
  dir: string,
  args: {
    model: Model;
    inputs: Map<string, Tensor>;
    adapter?: BackendAdapter;
    verdict?: Verdict;
    config?: Record<string, unknown>;
    /** The SUT's package and version to record when no adapter describes it. */
    sut?: { package: string; version: string };
  },
): Promise<Verdict> {
  const onnx = modelToOnnx(args.model, registry);
  const expected = runReference(args.model, args.inputs, { registry }).outputs;
  const outcome = args.adapter ? await evaluateOnBackend(args.adapter, { model: args.model, onnx }, args.inputs, expected) : undefined;
  const verdict = args.verdict ?? outcome?.verdict;
  if (!verdict) throw new Error('writeCase needs an adapter to judge the test on, or the verdict to record');
  const description = args.adapter ? await args.adapter.describe() : { name: verdict.backend, package: 'some-sut', version: '1.0.0', ...args.sut };
  writeCaseFolder(dir, {
    model: args.model,
    onnx,
    inputs: args.inputs,
    expected,
    actual: outcome?.actual ?? { error: verdict.message ?? verdict.kind },
    meta: {
      format: 'tensorsmith.case/1',
      seed: 'hand',
      testIndex: 0,
      toolVersion: 'test',
      backends: [description],
      config: args.config ?? {},
      verdict,
      signature: bugSignature(verdict, args.model),
      timings: {},
      createdAt: '2025-01-01T00:00:00.000Z',
    },
  });
  return verdict;
}
