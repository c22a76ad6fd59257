import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';
import { repro } from './repro-helpers.js';
import { summaryValue } from '../store/summary-fixture.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'log-wrong-adapter.mjs');
const TEST_FILES = ['model.json', 'model.onnx', 'inputs.json'];

function sameBytes(a: string, b: string): boolean {
  return TEST_FILES.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

interface Summary {
  bugs: { verdict: string; backend: string; dir: string; firstSeen: { testIndex: number } }[];
  config: Record<string, unknown>;
}

/** A small campaign against the log-wrong fixture (its Log is off by 0.5); see test/campaign/input-search.test.ts. */
async function logWrongCampaign(): Promise<{ dir: string; summary: Summary }> {
  const dir = tempDir();
  const args = ['fuzz', '--seed', 'a', '--ops', 'Log,Acosh,Add,Mul', '--max-nodes', '3', '--max-tests', '4', '--time', '60'];
  const code = await runCli([...args, '--backends', 'log-wrong', '--backend-module', FIXTURE, '--no-isolation', '--search-ms', '2000', '--out', dir], captureIo());
  expect(code).toBe(1);
  return { dir, summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary };
}

describe('tensorsmith repro --seed S --index I', () => {
  it('regenerates the test tensorsmith gen wrote, byte for byte, and judges it', async () => {
    const flags = ['--max-nodes', '5', '--ops', 'Relu,Add,MatMul,Transpose'];
    const gen = tempDir();
    expect(await runCli(['gen', '--seed', '3', ...flags, '--out', gen], captureIo())).toBe(0);
    const out = tempDir();
    const r = await repro(['--seed', '3', '--index', '0', ...flags, '--out', out, '--backends', 'ref-cpu,ort-all', '--no-isolation']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^test 0 of seed '3': \d+ nodes \(/);
    expect(r.out).toMatch(/^ref-cpu\s+ok/m);
    expect(r.out).toMatch(/^ort-all\s+ok/m);
    expect(r.code).toBe(0);
    expect(sameBytes(gen, out)).toBe(true);
    // Another index is another test.
    const other = tempDir();
    expect((await repro(['--seed', '3', '--index', '1', ...flags, '--out', other, '--backends', 'ref-cpu', '--no-isolation'])).code).toBe(0);
    expect(readFileSync(join(other, 'model.json')).equals(readFileSync(join(gen, 'model.json')))).toBe(false);
  });

  it("regenerates a campaign's test as its case folder holds it, and runs it on the campaign's SUTs", async () => {
    const { dir, summary } = await logWrongCampaign();
    expect(summary.config.backendModules).toEqual([FIXTURE]);
    expect(summary.bugs.length).toBeGreaterThan(0);
    for (const bug of summary.bugs) {
      const caseDir = isAbsolute(bug.dir) ? bug.dir : join(dir, bug.dir);
      const out = tempDir();
      // No --seed, no --backends: from summary.json. The adapter module is the user's to give: a
      // campaign folder's recorded modules are never loaded.
      const r = await repro(['--campaign', dir, '--index', String(bug.firstSeen.testIndex), '--out', out, '--no-isolation', '--backend-module', FIXTURE]);
      expect(r.err).toBe('');
      expect(r.out).toMatch(/^log-wrong\s+wrong-result: output /m);
      expect(r.code).toBe(1);
      expect(sameBytes(caseDir, out), bug.dir).toBe(true);
      // And the case folder itself replays to the same bug.
      const replay = await repro([caseDir, '--no-isolation', '--backend-module', FIXTURE]);
      expect(replay.out).toMatch(/^reproduces: wrong-result on log-wrong/m);
      expect(replay.code).toBe(1);
    }
    const control = await repro(['--campaign', dir, '--seed', 'a', '--index', String(summary.bugs[0]!.firstSeen.testIndex), '--backends', 'ref-cpu', '--no-isolation']);
    expect(control.out).toMatch(/^ref-cpu\s+ok/m);
    expect(control.code).toBe(0);
  });

  it('never loads the adapter modules a campaign folder records', async () => {
    // The attack: summary.json names a module that writes a marker when imported.
    const { dir, summary } = await logWrongCampaign();
    const marker = join(tempDir(), 'pwned');
    const evil = join(tempDir(), 'evil-adapter.mjs');
    writeFileSync(evil, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran'); export default () => [];`);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, config: { ...summary.config, backendModules: [evil] } }));
    const r = await repro(['--campaign', dir, '--index', String(summary.bugs[0]!.firstSeen.testIndex), '--out', tempDir(), '--no-isolation']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/does not load from a case or campaign folder; give it with --backend-module PATH/);
    expect(existsSync(marker)).toBe(false);
  });

  it('exits 2 for a test a campaign would discard, after writing it', async () => {
    // Acosh(Log(x)) needs x >= e everywhere: one random draw in [-2, 2] never gets there.
    const out = tempDir();
    const r = await repro(['--seed', '4', '--index', '0', '--max-nodes', '2', '--ops', 'Log,Acosh', '--no-input-search', '--out', out, '--backends', 'ref-cpu', '--no-isolation']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/test 0 of seed '4' cannot judge a SUT, the reference .*: a campaign discards it\n$/);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toMatch(/"Acosh"|"Log"/);
  });

  it('exits 2 with one line for usage errors and a bad campaign folder', async () => {
    const campaign = tempDir();
    writeFileSync(join(campaign, 'summary.json'), JSON.stringify(summaryValue({ config: { backends: ['ref-cpu'], generator: { maxNodes: 3, colour: 'red' }, inputs: { search: false } } })));
    const valid = tempDir();
    writeFileSync(join(valid, 'summary.json'), JSON.stringify(summaryValue({ config: { backends: ['ref-cpu'], generator: { maxNodes: 3 }, inputs: { search: false } } })));
    const noSeed = tempDir();
    writeFileSync(join(noSeed, 'summary.json'), JSON.stringify(summaryValue({ seed: undefined })));
    const broken = tempDir();
    writeFileSync(join(broken, 'summary.json'), '{"config": ');
    const cases: [string[], RegExp][] = [
      [[], /needs a CASE folder, or --seed S --index I/],
      [['--seed', '1'], /needs a CASE folder, or --seed S --index I/],
      [['--index', '0'], /--index needs --seed S/],
      [['--index', '0', '--campaign', noSeed], /summary\.json: seed must be a string, got nothing/],
      [['--seed', '1', '--index', '-1'], /--index must be a test number/],
      [['--seed', '1', '--index', 'x'], /--index must be a test number/],
      [['--index', '0', '--campaign', join(campaign, 'nope')], /campaign folder '.*nope' does not exist/],
      [['--index', '0', '--campaign', tempDir()], /is not a campaign folder: it has no summary\.json/],
      [['--index', '0', '--campaign', broken], /summary\.json is not valid JSON/],
      [['--seed', '1', '--index', '0', '--campaign', campaign], /"config\.generator" has 'colour', which this version of tensorsmith does not know/],
      [['--seed', '1', '--index', '0', '--campaign', valid, '--max-nodes', '4'], /--campaign takes the generator settings from summary\.json: drop --max-nodes/],
      [['--seed', '1', '--index', '0', '--backends', ''], /--backends is empty/],
      [['--seed', '1', '--index', '0', '--backends', 'nope', '--max-nodes', '1', '--ops', 'Relu'], /unknown backend 'nope'/],
    ];
    for (const [argv, message] of cases) {
      const r = await repro(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
  });
});
