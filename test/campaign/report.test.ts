import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/campaign/report/build.js';
import { renderMarkdown } from '../../src/campaign/report/markdown.js';
import { renderReport } from '../../src/campaign/report/render.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { UserError } from '../../src/ir/errors.js';
import { captureIo, tempDir } from '../helpers.js';
import { FIXTURE_META_DEVICE, FIXTURE_SUMMARY_DEVICE, HOSTILE_MESSAGE, SLOT_INPUT, writeFixtureCampaign, writeSlotCampaign } from './report-fixture.js';

/** Runs `tensorsmith report ...` on a fresh program, mapping errors to exit codes as runCli does. */
async function runReport(argv: readonly string[]) {
  const io = captureIo();
  let code = 0;
  const program = new Command('tensorsmith').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  reportCommand(program, io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['report', ...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    io.err(`tensorsmith: ${e.message}\n`);
    code = 2;
  }
  return { code, io };
}

describe('the campaign report document', () => {
  const campaign = writeFixtureCampaign();
  const doc = buildReport(campaign.dir);

  it('orders bugs new, unchecked, known, and shows the reduced test of a reduced bug', () => {
    expect(doc.format).toBe('tensorsmith.report/1');
    expect(doc.bugs.map((b) => b.signature)).toEqual([campaign.wrong, campaign.missing, campaign.compile]);
    expect(doc.totals).toEqual({ bugs: 3, findings: 10, new: 1, known: 1, regression: 0 });
    const wrong = doc.bugs[0]!;
    expect(wrong.backend).toEqual({ name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0' });
    expect(wrong.shownDir).toBe(`bugs/${campaign.wrong}/reduced`);
    expect(wrong.graph?.nodes.map((n) => n.op)).toEqual(['Relu']);
    expect(wrong.originalNodes).toBe(3);
    expect(wrong.reproScript).toBe(`bugs/${campaign.wrong}/reduced/repro.mjs`);
    expect(wrong.replayCommand).toBe(`tensorsmith repro ${join(campaign.dir, 'bugs', campaign.wrong)}`);
    // The reduced test's own verdict: its worst element, and exactly that element flagged.
    expect(wrong.worst).toMatchObject({ output: 'out', index: 4, expected: 5, actual: 3.5 });
    const values = wrong.values[0]!;
    expect(values.mismatches).toBe(1);
    expect(values.elements.filter((e) => e.mismatch).map((e) => e.index)).toEqual([4]);
    expect(values.elements.find((e) => e.index === 4)).toMatchObject({ position: [1, 1], expected: 5, actual: 3.5 });
  });

  it("holds the shown test's input values, each input's slot names and each SUT's device", () => {
    const wrong = doc.bugs[0]!;
    // The reduced test's inputs.json: only x, all six values.
    expect(wrong.inputValues).toEqual([{ name: 'x', dtype: 'float32', shape: [2, 3], size: 6, values: [1, -2, 3, -4, 5, 6] }]);
    expect(wrong.graph?.nodes[0]!.inputSlots).toEqual(['X']);
    const compile = doc.bugs.find((b) => b.signature === campaign.compile)!;
    expect(compile.inputValues.map((i) => i.name)).toEqual(['x', 'y']);
    expect(compile.graph?.nodes.map((n) => n.inputSlots)).toEqual([['X'], ['A', 'B'], ['A', 'B']]);
    expect(doc.bugs.find((b) => b.signature === campaign.missing)!.inputValues).toEqual([]);
    // ort-all's device from summary.json, ort-basic's from its case's meta.json.
    expect(doc.backends).toEqual([
      { name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0', device: FIXTURE_SUMMARY_DEVICE },
      { name: 'ort-basic', package: 'onnxruntime-node', version: '1.30.0', device: FIXTURE_META_DEVICE },
    ]);
  });

  it('previews the first values of a large input, counting the rest', () => {
    const [x] = buildReport(writeSlotCampaign().dir).bugs[0]!.inputValues;
    expect(x).toMatchObject({ name: 'x', shape: [4, 5], size: 20 });
    expect(x!.values).toEqual(SLOT_INPUT.slice(0, 16));
  });

  it('keeps a bug whose case folder is gone, naming the problem', () => {
    const missing = doc.bugs.find((b) => b.signature === campaign.missing)!;
    expect(missing.problems.join('\n')).toMatch(/case folder not found/);
    expect(missing.graph).toBeUndefined();
    const compile = doc.bugs.find((b) => b.signature === campaign.compile)!;
    expect(compile.actualError).toBe(HOSTILE_MESSAGE);
    expect(compile.problems).toEqual([]);
  });

  it('finds case folders under DIR/bugs even when summary.json recorded another path inside DIR', () => {
    const moved = writeFixtureCampaign();
    const file = join(moved.dir, 'summary.json');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(`"bugs/${moved.compile}"`, `"old-out/bugs/${moved.compile}"`));
    expect(readFileSync(file, 'utf8')).toContain(`"old-out/bugs/${moved.compile}"`);
    const bug = buildReport(moved.dir).bugs.find((b) => b.signature === moved.compile)!;
    expect(bug.problems).toEqual([]);
    expect(bug.caseDir).toBe(`bugs/${moved.compile}`);
  });

  it('renders JSON that is stable and parses back to the document', () => {
    const text = renderReport(doc, 'json', 'test');
    expect(renderReport(buildReport(campaign.dir), 'json', 'test')).toBe(text);
    const parsed = JSON.parse(text) as { format: string; bugs: { signature: string }[] };
    expect(parsed.format).toBe('tensorsmith.report/1');
    expect(parsed.bugs.map((b) => b.signature)).toEqual(doc.bugs.map((b) => b.signature));
  });

  it('renders Markdown with every bug: verdict, SUT and version, status, ops, worst element, paths and replay command', () => {
    const md = renderMarkdown(doc);
    expect(md).toMatch(/\*\*120 judged tests\*\* \(9 discarded\)/);
    expect(md).toMatch(/\*\*3 distinct bugs\*\* \(10 findings\): 1 new, 1 known/);
    for (const bug of doc.bugs) {
      expect(md).toContain(`### ${doc.bugs.indexOf(bug) + 1}. ${bug.verdict} on ${bug.backend.name} (onnxruntime-node 1.30.0)`);
      expect(md).toContain(`\`${bug.replayCommand}\``);
      expect(md).toContain(`Signature: \`${bug.signature}\``);
    }
    expect(md).toContain('- Status: **new**');
    expect(md).toContain('- Status: **known**');
    expect(md).toContain('- Status: **not checked**');
    expect(md).toContain('- Worst element: output out at \\[1, 1\\]: expected 5, actual 3.5');
    expect(md).toContain('- Model: reduced to 1 node from 3');
    expect(md).toContain(`\`node ${join(campaign.dir, 'bugs', campaign.wrong, 'reduced', 'repro.mjs')}\``);
    // The hostile message stays inside one code span: no raw control character, no broken table.
    expect(md.includes('\u001b')).toBe(false);
    expect(md).toContain('`` kernel <script>');
  });
});

describe('tensorsmith report', () => {
  it('prints Markdown by default and writes any format to --out', async () => {
    const campaign = writeFixtureCampaign();
    const md = await runReport([campaign.dir]);
    expect(md.code).toBe(0);
    expect(md.io.stdout()).toMatch(/^# tensorsmith campaign report/);
    const out = join(tempDir(), 'nested', 'report.sarif');
    const sarif = await runReport([campaign.dir, '--format', 'sarif', '--out', out]);
    expect(sarif.code).toBe(0);
    expect(sarif.io.stdout()).toBe(`wrote the sarif report of 3 bugs (120 judged tests) to ${out}\n`);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { version: string }).version).toBe('2.1.0');
  });

  it('exits 2 with one line for a folder without summary.json, a damaged summary.json and an unknown format', async () => {
    const empty = tempDir();
    const damaged = writeFixtureCampaign().dir;
    writeFileSync(join(damaged, 'summary.json'), '{"format": "tensorsmith.summary/1", "tests": ');
    const wrongType = writeFixtureCampaign().dir;
    const summary = readFileSync(join(wrongType, 'summary.json'), 'utf8');
    writeFileSync(join(wrongType, 'summary.json'), summary.replace('"tests": 120', '"tests": "many"'));
    const gone = join(tempDir(), 'gone');
    rmSync(gone, { recursive: true, force: true });
    const cases: [readonly string[], RegExp][] = [
      [[empty], /is not a campaign folder: it has no summary\.json/],
      [[damaged], /summary\.json is not valid JSON/],
      [[wrongType], /summary\.json: tests must be a non-negative integer, got string "many"/],
      [[gone], /campaign folder '.*gone' does not exist/],
      [[damaged, '--format', 'pdf'], /--format must be one of md, html, json, junit, sarif, got 'pdf'/],
    ];
    for (const [argv, message] of cases) {
      const { code, io } = await runReport(argv);
      expect(code).toBe(2);
      expect(io.stderr()).toMatch(message);
      expect(io.stderr().trim().split('\n')).toHaveLength(1);
    }
  });
});
