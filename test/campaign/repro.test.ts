import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapterModule } from '../../src/backends/external.js';
import { writeTestFiles } from '../../src/store/case-folder.js';
import { judgeReproduction } from '../../src/campaign/repro.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { tempDir } from '../helpers.js';
import { logModel, POSITIVE_X, repro, writeCase } from './repro-helpers.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'log-wrong-adapter.mjs');
const registry = builtinRegistry();

/** A case the log-wrong SUT fails (wrong-result), recording the fixture module in its config. */
async function logWrongCase(config: Record<string, unknown> = { backendModules: [FIXTURE] }): Promise<string> {
  const dir = join(tempDir(), 'case');
  const [adapter] = await loadAdapterModule(FIXTURE);
  const verdict = await writeCase(dir, { model: logModel(), inputs: new Map([['x', POSITIVE_X]]), adapter: adapter!, config });
  expect(verdict.kind).toBe('wrong-result');
  return dir;
}

/**
 * Two SUTs that fail at compile time or claim not to implement Log: their error messages carry the
 * model's opset, a number that bug signatures strip.
 */
const COMPILE_FAULTS = `
const base = {
  async describe() { return { name: this.name, package: 'compile-faults', version: '2.0.0' }; },
  async run() { return new Map(); },
};
export default () => [
  { ...base, name: 'refuses-log', supports: () => true,
    async prepare(a) { if (a.model.nodes.some((n) => n.op === 'Log')) throw new Error('Log kernel missing (opset ' + a.model.opset + ')'); return a.model; } },
  { ...base, name: 'no-log', supports: (op) => op !== 'Log', async prepare(a) { return a.model; } },
];
`;

function compileFaultsModule(): string {
  const file = join(tempDir(), 'compile-faults.mjs');
  writeFileSync(file, COMPILE_FAULTS);
  return file;
}

describe('tensorsmith repro CASE', () => {
  it('exits 1 while the recorded bug reproduces on the SUT of meta.json, with the adapter module the user gives', async () => {
    const dir = await logWrongCase();
    const r = await repro([dir, '--backend-module', FIXTURE]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^reproduces: wrong-result on log-wrong: output 'out'\[\d, \d\] is [\d.]+, expected [\d.]+ ± [\d.e+-]+: [\d.e+-]+ times the bound$/m);
    expect(r.code).toBe(1);
  });

  it('exits 0 on a SUT without the bug (--backends), and judges every SUT listed', async () => {
    const dir = await logWrongCase();
    const fixed = await repro([dir, '--backends', 'ref-cpu', '--no-isolation']);
    expect(fixed.out).toBe('not on ref-cpu: it gives ok\n');
    expect(fixed.code).toBe(0);
    const both = await repro([dir, '--backends', 'ref-cpu,log-wrong', '--no-isolation', '--backend-module', FIXTURE]);
    expect(both.out).toMatch(/^not on ref-cpu: it gives ok\nreproduces: wrong-result on log-wrong: /);
    expect(both.code).toBe(1);
  });

  it('replays a reduced/ folder, with the parent record when it has none of its own', async () => {
    const dir = await logWrongCase();
    const reduced = join(dir, 'reduced');
    mkdirSync(reduced);
    for (const f of ['model.json', 'model.onnx', 'inputs.json']) cpSync(join(dir, f), join(reduced, f));
    const r = await repro([reduced, '--no-isolation', '--backend-module', FIXTURE]);
    expect(r.out).toMatch(/^reproduces: wrong-result on log-wrong/m);
    expect(r.code).toBe(1);
  });

  it('never loads the adapter module a case records: it names it and the flag to add', async () => {
    // The attack: a case folder whose config names a module that writes a marker when imported.
    const folder = tempDir();
    const marker = join(folder, 'pwned');
    const evil = join(folder, 'evil-adapter.mjs');
    writeFileSync(evil, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran'); export default () => [];`);
    const dir = await logWrongCase({ backendModules: [evil] });
    for (const extra of [[], ['--backends', 'ref-cpu'], ['--backends', 'log-wrong']]) {
      const r = await repro([dir, '--no-isolation', ...extra]);
      expect(existsSync(marker), extra.join(' ')).toBe(false);
      if (extra[1] === 'ref-cpu') {
        expect(r.code).toBe(0);
        continue;
      }
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`unknown backend 'log-wrong': the case was recorded with the adapter module ${JSON.stringify(evil)}, which tensorsmith does not load from a case or campaign folder; give it with --backend-module PATH`);
    }
    // A relative recorded path is not resolved against the working folder either.
    const relative = await logWrongCase({ backendModules: ['./evil-adapter.mjs'] });
    const here = process.cwd();
    process.chdir(folder);
    try {
      expect((await repro([relative, '--no-isolation'])).code).toBe(2);
    } finally {
      process.chdir(here);
    }
    expect(existsSync(marker)).toBe(false);
    const given = await repro([dir, '--no-isolation', '--backend-module', FIXTURE]);
    expect(given.code).toBe(1);
  });

  it('a command-line module replaces a recorded module that gives the same backend', async () => {
    const folder = tempDir();
    const copy = join(folder, 'copy-of-log-wrong.mjs');
    cpSync(FIXTURE, copy);
    cpSync(join(dirname(FIXTURE), 'float32-runtime.mjs'), join(folder, 'float32-runtime.mjs'));
    const dir = await logWrongCase({ backendModules: [FIXTURE] });
    const r = await repro([dir, '--no-isolation', '--backend-module', copy]);
    expect(r.code).toBe(1);
  });

  it('compares normalized messages for errors: the same error again reproduces, another one does not', async () => {
    const module = compileFaultsModule();
    const model = logModel();
    const inputs = new Map([['x', POSITIVE_X]]);
    const recorded = { kind: 'compile-error' as const, backend: 'refuses-log', message: 'Log kernel missing (opset 13)' };
    const same = join(tempDir(), 'same');
    const sut = { package: 'compile-faults', version: '2.0.0' };
    await writeCase(same, { model, inputs, verdict: recorded, config: { backendModules: [module] }, sut });
    const r = await repro([same, '--no-isolation', '--backend-module', module]);
    expect(r.out).toBe('reproduces: compile-error on refuses-log: Log kernel missing (opset 17)\n');
    expect(r.code).toBe(1);

    const other = join(tempDir(), 'other');
    await writeCase(other, { model, inputs, verdict: { ...recorded, message: 'Conv kernel missing (opset 17)' }, config: { backendModules: [module] }, sut });
    const changed = await repro([other, '--no-isolation', '--backend-module', module]);
    expect(changed.out).toMatch(/^fixed: refuses-log no longer gives the recorded compile-error \(Conv kernel missing \(opset <n>\)\), but now gives another bug, compile-error: Log kernel missing/);
    expect(changed.code).toBe(0);
  });

  it('exits 2 when the SUT no longer judges the test (unsupported), noting a SUT version change', async () => {
    const module = compileFaultsModule();
    const dir = join(tempDir(), 'case');
    await writeCase(dir, {
      model: logModel(),
      inputs: new Map([['x', POSITIVE_X]]),
      verdict: { kind: 'wrong-result', backend: 'no-log', message: "output 'out'[0, 0] is 1, expected 2" },
      config: { backendModules: [module] },
    });
    const r = await repro([dir, '--no-isolation', '--backend-module', module]);
    expect(r.out).toBe(
      'note: no-log is compile-faults 2.0.0 here; the case was recorded with some-sut 1.0.0\n' +
        'cannot tell: no-log now says unsupported: no-log does not implement Log(float32)\n',
    );
    expect(r.code).toBe(2);
  });

  it('exits 2 with one line for a missing folder, a folder without a record, a corrupt or wrong meta.json, an unknown SUT', async () => {
    const gone = await repro([join(tempDir(), 'nope')]);
    expect(gone.code).toBe(2);
    expect(gone.err).toMatch(/^tensorsmith: case folder '.*nope' does not exist\n$/);

    const bare = tempDir();
    writeTestFiles(bare, { model: logModel(), onnx: modelToOnnx(logModel(), registry), inputs: new Map([['x', POSITIVE_X]]) });
    const noMeta = await repro([bare]);
    expect(noMeta.code).toBe(2);
    expect(noMeta.err).toMatch(/has no meta\.json, so it records no bug to reproduce/);

    const cases: [string, RegExp][] = [
      ['{"format": "tensorsmith.case/1", "verdict": ', /meta\.json is not valid JSON/],
      ['{"format": "tensorsmith.summary/1"}', /is not a tensorsmith case record/],
      ['{"format": "tensorsmith.case/1", "verdict": {"kind": "ok", "backend": "ort-all"}}', /"verdict\.kind" must be a bug verdict/],
      ['{"format": "tensorsmith.case/1", "verdict": {"kind": "crash"}}', /verdict\.backend must be a string, got nothing/],
      ['{"format": "tensorsmith.case/1", "verdict": {"kind": "crash", "backend": "nope"}, "config": {}}', /unknown backend 'nope'/],
      ['{"format": "tensorsmith.case/1", "verdict": {"kind": "crash", "backend": "x"}, "config": {"backendModules": "m.mjs"}}', /config\.backendModules must be a list/],
    ];
    for (const [meta, message] of cases) {
      const dir = await logWrongCase();
      writeFileSync(join(dir, 'meta.json'), meta);
      const r = await repro([dir, '--no-isolation']);
      expect(r.code, meta).toBe(2);
      expect(r.err.trim().split('\n'), meta).toHaveLength(1);
      expect(r.err, meta).toMatch(message);
    }

    const noInputs = await logWrongCase();
    rmSync(join(noInputs, 'inputs.json'));
    expect((await repro([noInputs])).err).toMatch(/has no inputs\.json/);
  });

  it('exits 2 when the reference run is untrusted on the case inputs', async () => {
    const dir = await logWrongCase();
    const model = logModel();
    writeTestFiles(dir, { model, onnx: modelToOnnx(model, registry), inputs: new Map([['x', makeTensor('float32', [2, 3], [-1, 1, 1, 1, 1, 1])]]) });
    const r = await repro([dir, '--no-isolation', '--backend-module', FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the reference gets an input outside the op's domain at log \(Log\).* the case cannot judge a SUT/);
  });

  it('rejects a case folder together with --seed, and generator flags with a case', async () => {
    const dir = await logWrongCase();
    for (const extra of [['--seed', '1'], ['--index', '0'], ['--max-nodes', '3']]) {
      const r = await repro([dir, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err).toMatch(/not both|applies to repro --seed only/);
    }
  });
});

describe('judgeReproduction', () => {
  const wrong = { kind: 'wrong-result' as const, backend: 'ort-all', message: "output 'v3'[0, 1] is 2, expected 1" };
  it('ignores the values of a wrong result, and takes a NaN mismatch for the same numeric bug', () => {
    expect(judgeReproduction(wrong, { ...wrong, message: "output 'v7'[1, 1] is 5, expected 3" }).status).toBe('reproduces');
    expect(judgeReproduction(wrong, { kind: 'nan-mismatch', backend: 'ort-all', message: 'x' }).status).toBe('reproduces');
    expect(judgeReproduction(wrong, { kind: 'runtime-error', backend: 'ort-all', message: 'x' }).status).toBe('fixed');
    expect(judgeReproduction(wrong, { kind: 'ok', backend: 'ort-all' }).line).toBe('fixed: ort-all now gives ok');
    expect(judgeReproduction(wrong, { kind: 'unsupported', backend: 'ort-all' }).status).toBe('undecided');
  });
  it('does not call a bug fixed on a SUT it was never recorded on', () => {
    expect(judgeReproduction(wrong, { kind: 'ok', backend: 'tfjs-cpu' }).line).toBe('not on tfjs-cpu: it gives ok');
    expect(judgeReproduction(wrong, { kind: 'wrong-result', backend: 'ort-disabled', message: 'x' }).status).toBe('reproduces');
  });
  it('tells crashes apart by their normalized message', () => {
    const crash = { kind: 'crash' as const, backend: 'ort-all', message: 'ort-all died (signal SIGSEGV)' };
    expect(judgeReproduction(crash, { ...crash }).status).toBe('reproduces');
    expect(judgeReproduction(crash, { ...crash, message: 'ort-all died (signal SIGABRT)' }).status).toBe('fixed');
    const hang = { kind: 'hang' as const, backend: 'ort-all', message: 'ort-all did not answer within 30000 ms; killed' };
    expect(judgeReproduction(hang, { ...hang, message: 'ort-all did not answer within 5000 ms; killed' }).status).toBe('reproduces');
  });
});
