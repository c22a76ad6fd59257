import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeCaseFolder, readCaseFolder, type CaseMeta } from '../../src/store/case-folder.js';
import { runCli } from '../../src/cli/program.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model } from '../../src/ir/model.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { judgeCandidate } from '../../src/reduce/same-bug.js';
import { captureIo, tempDir } from '../helpers.js';
import { FAULTY_OPS, faultyOps, tenNodeModel, wave } from './models.js';
import { tanhGelu } from '../support/tanh-gelu.js';
import { onnxruntimeNodeAdapter } from '../../src/backends/onnxruntime-node.js';

const registry = builtinRegistry();
const ABORT_MESSAGE = 'faulty-ops died (signal SIGABRT); stderr: faulty-ops: fatal error in the Softmax kernel, aborting';

/** Runs `tensorsmith reduce ARGV` as the CLI does (a UserError: exit 2, its one line on stderr). */
async function reduce(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(['reduce', ...argv], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** A case folder as a campaign writes it, recording `verdict`; its config names the fixture's module. */
function writeCase(test: { model: Model; inputs: Map<string, Tensor> }, verdict: Verdict, config: Record<string, unknown> = { backendModules: [FAULTY_OPS] }): string {
  const dir = join(tempDir(), 'case');
  const meta: CaseMeta = {
    format: 'tensorsmith.case/1',
    seed: 'reduce-test',
    testIndex: 7,
    toolVersion: '0.1.0',
    backends: [{ name: verdict.backend, package: 'faulty-ops-fixture', version: '1.0.0' }],
    config,
    verdict,
    signature: bugSignature(verdict, test.model),
    timings: {},
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  writeCaseFolder(dir, {
    ...test,
    onnx: modelToOnnx(test.model, registry),
    expected: runReference(test.model, test.inputs, { registry }).outputs,
    actual: { error: verdict.message ?? verdict.kind },
    meta,
  });
  return dir;
}

/** Nine nodes around a rank-2 Softmax, which faulty-ops aborts on. */
function softmaxModel(): { model: Model; inputs: Map<string, Tensor> } {
  const { model, inputs } = tenNodeModel();
  const nodes = model.nodes.map((n) => (n.name === 'n4_Tanh' ? { ...n, name: 'n4_Softmax', op: 'Softmax', attrs: { axis: 1 } } : n));
  return { model: { ...model, nodes }, inputs };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tensorsmith reduce', () => {
  it('reduces a wrong result to the faulty node, writes CASE/reduced/ and exits 1', async () => {
    const test = tenNodeModel();
    const { verdict } = await judgeCandidate(await faultyOps(), test, registry);
    const dir = writeCase(test, verdict);
    const { code, out, err } = await reduce([dir, '--no-isolation', '--backend-module', FAULTY_OPS]);
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toMatch(new RegExp(`^reduced from 10 to 1 nodes in \\d+\\.\\d s \\(\\d+ checks\\): ${join(dir, 'reduced')}$`));
    const reducedDir = join(dir, 'reduced');
    expect(readdirSync(reducedDir).sort()).toEqual(['actual.json', 'bounds.json', 'expected.json', 'inputs.json', 'meta.json', 'model.json', 'model.onnx', 'repro.mjs']);
    const meta = JSON.parse(readFileSync(join(reducedDir, 'meta.json'), 'utf8')) as CaseMeta;
    expect(meta).toMatchObject({ seed: 'reduce-test', testIndex: 7, verdict: { kind: 'wrong-result', backend: 'faulty-ops' } });
    expect(meta.signature.ops).toEqual(['Tanh']);
    expect(meta.reduction).toMatchObject({ fromNodes: 10, toNodes: 1, complete: true, budgetChecks: 400, budgetMs: 120_000 });
    // The reduced folder replays: same bug on the SUT.
    const reduced = readCaseFolder(reducedDir);
    expect((await judgeCandidate(await faultyOps(), reduced, registry)).verdict.kind).toBe('wrong-result');
    // The original case is left as it was.
    expect(readCaseFolder(dir).model.nodes).toHaveLength(10);
  });

  it('reduces a crash of the isolated SUT within 30 s', async () => {
    const test = softmaxModel();
    const dir = writeCase(test, { kind: 'crash', backend: 'faulty-ops', message: ABORT_MESSAGE });
    const t0 = performance.now();
    const { code, out, err } = await reduce([dir, '--backend-module', FAULTY_OPS]);
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(out).toContain('crash on faulty-ops: ' + ABORT_MESSAGE);
    const reduced = readCaseFolder(join(dir, 'reduced'));
    expect(reduced.model.nodes.map((n) => n.op)).toEqual(['Softmax']);
    expect(reduced.meta?.signature).toMatchObject({ class: 'crash', ops: ['Softmax'] });
  });

  it('stops at --reduce-ms and says the budget ended it', async () => {
    const test = tenNodeModel();
    const { verdict } = await judgeCandidate(await faultyOps(), test, registry);
    const dir = writeCase(test, verdict);
    const { code, out } = await reduce([dir, '--no-isolation', '--reduce-ms', '1', '--backend-module', FAULTY_OPS]);
    expect(code).toBe(1);
    expect(out).toContain('(the wall-clock cap ended it; a larger --reduce-ms may shrink it further)');
    expect(JSON.parse(readFileSync(join(dir, 'reduced', 'meta.json'), 'utf8')).reduction).toMatchObject({ complete: false, budgetMs: 1 });
  });

  it('names the corpus bug the reduced model runs into, as the SUT\'s recorded bugs say', async () => {
    // FastGeluFusion's invalid-model face: its corpus case is the crash face of the same missing check.
    const gelu = tanhGelu({ halfReadTwice: true });
    const model: Model = {
      ...gelu,
      nodes: [...gelu.nodes, { name: 'extra', op: 'Sigmoid', inputs: ['neg_out'], outputs: [{ name: 'extra_out', dtype: 'float32', shape: [2, 3] }], attrs: {} }],
      outputs: [...gelu.outputs, 'extra_out'],
    };
    const test = { model, inputs: new Map([['x', wave([2, 3])]]) };
    const { verdict } = await judgeCandidate(onnxruntimeNodeAdapter('extended'), test, registry);
    expect(verdict.kind).toBe('compile-error');
    const dir = writeCase(test, verdict, {});
    const { code, out, err } = await reduce([dir, '--no-isolation']);
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out).toMatch(/^a known bug: corpus\/onnxruntime-fastgelu-fusion-exposed-pow \(FastGeluFusion fuses the tanh-form Gelu from pow to product although its 0\.5x Mul \(half\) is also read by neg_half\); its report: .*corpus\/onnxruntime-fastgelu-fusion-exposed-pow\/README\.md$/m);
  });

  it('says the bug does not reproduce, exit 2, when the SUT no longer shows it', async () => {
    const test = tenNodeModel();
    const { verdict } = await judgeCandidate(await faultyOps(), test, registry);
    const dir = writeCase(test, verdict);
    vi.stubEnv('TENSORSMITH_FAULTS', 'off');
    const { code, err } = await reduce([dir, '--no-isolation', '--backend-module', FAULTY_OPS]);
    expect(code).toBe(2);
    expect(err).toBe('tensorsmith: the bug does not reproduce on faulty-ops (it now gives ok); nothing to reduce\n');
    expect(existsSync(join(dir, 'reduced'))).toBe(false);
  });

  it('rejects a folder without meta.json, an unknown backend and bad flags with one line, exit 2', async () => {
    const test = { model: tenNodeModel().model, inputs: new Map([['in0', wave([2, 3, 4])]]) };
    const noMeta = writeCase(test, { kind: 'wrong-result', backend: 'faulty-ops' });
    rmSync(join(noMeta, 'meta.json'));
    const unknown = writeCase(test, { kind: 'wrong-result', backend: 'nonesuch' }, {});
    const missingModule = writeCase(test, { kind: 'wrong-result', backend: 'gone' }, { backendModules: ['/nowhere/adapter.mjs'] });
    const cases: [string[], RegExp][] = [
      [[noMeta], /has no meta\.json/],
      [[unknown], /unknown backend 'nonesuch'/],
      [[missingModule], /unknown backend 'gone': the case was recorded with the adapter module "\/nowhere\/adapter\.mjs", which tensorsmith does not load from a case or campaign folder; give it with --backend-module PATH/],
      [[unknown, '--backends', 'faulty-ops,ref-cpu'], /one SUT at a time/],
      [[unknown, '--reduce-ms', 'soon'], /--reduce-ms must be a positive integer/],
      [[join(noMeta, 'nope')], /does not exist/],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await reduce(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
    }
  });
});
