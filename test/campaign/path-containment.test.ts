import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insideFolder } from '../../src/store/contained-path.js';
import { runCli } from '../../src/cli/program.js';
import { UserError } from '../../src/ir/errors.js';
import { captureIo, tempDir } from '../helpers.js';
import { writeFixtureCampaign } from './report-fixture.js';
import { bugValue, summaryValue } from '../store/summary-fixture.js';

// Issue 13: a campaign folder is data from anywhere (a CI artifact, a colleague's upload). The
// paths its summary.json records must not take merge or report out of it.

/** Every file, folder and link under `root`, with file contents and link targets: what "unchanged" compares. */
function treeOf(root: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const key = `${prefix}${name}`;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) tree[key] = `link to ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        tree[`${key}/`] = 'folder';
        walk(path, `${key}/`);
      } else tree[key] = readFileSync(path, 'utf8');
    }
  };
  walk(root, '');
  return tree;
}

async function tensorsmith(...argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** Exit 2 and one stderr line, as the CLI prints a UserError, holding each of `parts`. */
function expectRejected(result: { code: number; stdout: string; stderr: string }, ...parts: string[]): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr.startsWith('tensorsmith: ')).toBe(true);
  for (const part of parts) expect(result.stderr).toContain(part);
}

/** A bug entry as fuzz writes it into summary.json, recording `dir` as given. */
function bugEntry(signature: string, dir: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return bugValue(signature, { dir, ...extra });
}

function writeCampaign(dir: string, bugs: readonly Record<string, unknown>[], cases: readonly string[] = []): string {
  mkdirSync(dir, { recursive: true });
  for (const signature of cases) {
    mkdirSync(join(dir, 'bugs', signature), { recursive: true });
    writeFileSync(join(dir, 'bugs', signature, 'model.json'), `case ${signature}\n`);
  }
  const summary = summaryValue({ verdicts: { ok: 9, crash: 1 }, bugs, newBugs: bugs.length });
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  return dir;
}

describe('insideFolder', () => {
  const root = tempDir('tensorsmith-contain-');
  mkdirSync(join(root, 'bugs', 'a'), { recursive: true });

  it('gives the absolute path of a folder strictly inside, existing or not', () => {
    expect(insideFolder(root, 'bugs/a', 'f: dir')).toBe(join(root, 'bugs', 'a'));
    expect(insideFolder(root, 'bugs/not-yet/reduced', 'f: dir')).toBe(join(root, 'bugs', 'not-yet', 'reduced'));
    expect(insideFolder(root, 'bugs/../bugs/a', 'f: dir')).toBe(join(root, 'bugs', 'a'));
  });

  it('rejects the folder itself, a way out, an absolute path, an empty path, a NUL, a non-string and a link out, on one line', () => {
    const outside = tempDir('tensorsmith-contain-outside-');
    symlinkSync(outside, join(root, 'bugs', 'link-out'));
    symlinkSync(join(root, 'nowhere'), join(root, 'bugs', 'dangling'));
    const cases: [unknown, string][] = [
      ['', 'it is empty'],
      ['.', 'it names that folder itself'],
      ['bugs/..', 'it names that folder itself'],
      ['../victim', 'it leads out of that folder'],
      ['bugs/../../victim', 'it leads out of that folder'],
      ['/etc', 'it is an absolute path'],
      [join(root, 'bugs', 'a'), 'it is an absolute path'],
      ['bugs/a\0/../../x', 'it holds a NUL character'],
      [42, 'it is number, not a path'],
      [null, 'it is null, not a path'],
      ['bugs/link-out', `through a symbolic link it leads to ${outside}`],
      ['bugs/link-out/deeper/case', `through a symbolic link it leads to ${join(outside, 'deeper', 'case')}`],
      ['bugs/dangling', 'it goes through a symbolic link that leads nowhere'],
    ];
    for (const [recorded, reason] of cases) {
      let caught: unknown;
      try {
        insideFolder(root, recorded, '/x/summary.json: bugs[3].dir');
      } catch (e) {
        caught = e;
      }
      expect(caught, String(recorded)).toBeInstanceOf(UserError);
      const message = (caught as Error).message;
      expect(message).toMatch(/^\/x\/summary\.json: bugs\[3\]\.dir .* is not a folder inside /);
      expect(message).toContain(`(${reason}); the file is corrupt`);
      expect(message.split('\n')).toHaveLength(1);
      expect(message.includes('\0')).toBe(false);
    }
  });
});

describe('tensorsmith merge with case folder paths that leave the campaign', () => {
  it("(a) '../victim': exit 2 on one line, the sibling folder and --out untouched", async () => {
    const parent = tempDir('tensorsmith-merge-attack-');
    mkdirSync(join(parent, 'victim'));
    writeFileSync(join(parent, 'victim', 'keep.txt'), 'the victim keeps this\n');
    // '../victim' seen from parent/in/campaign is parent/in/victim (the campaign's own content);
    // seen from --out parent/out it is parent/victim: the unchecked merge deleted parent/victim and
    // replaced it with parent/in/victim.
    mkdirSync(join(parent, 'in', 'victim'), { recursive: true });
    writeFileSync(join(parent, 'in', 'victim', 'planted.txt'), 'the campaign planted this\n');
    const good = writeCampaign(join(parent, 'in', 'good'), [bugEntry('aaaa', 'bugs/aaaa')], ['aaaa']);
    // A valid bug before the bad one: nothing may be copied before every entry is checked.
    const bad = writeCampaign(join(parent, 'in', 'campaign'), [bugEntry('bbbb', 'bugs/bbbb'), bugEntry('cccc', '../victim')], ['bbbb']);
    mkdirSync(join(parent, 'out'));
    writeFileSync(join(parent, 'out', 'notes.txt'), 'the user keeps this\n');
    const before = treeOf(parent);

    const result = await tensorsmith('merge', good, bad, '--out', join(parent, 'out'));

    expectRejected(result, `${bad}/summary.json: bugs[1].dir '../victim' is not a folder inside ${bad} (it leads out of that folder); the file is corrupt`);
    expect(treeOf(parent)).toEqual(before);
  });

  it('(a) other ways out: a deeper ../, the campaign folder itself, a reduced.dir, a NUL: exit 2, nothing changed', async () => {
    const dirs: [Record<string, unknown>, string][] = [
      [bugEntry('cccc', 'bugs/../../victim'), "bugs[0].dir 'bugs/../../victim'"],
      [bugEntry('cccc', '.'), "bugs[0].dir '.'"],
      [bugEntry('cccc', 'bugs/..'), "bugs[0].dir 'bugs/..'"],
      [bugEntry('cccc', 'bugs/cccc', { reduced: { nodes: 1, dir: '../victim' } }), "bugs[0].reduced.dir '../victim'"],
      [bugEntry('cccc', 'bugs/cccc\0/../../../victim'), "bugs[0].dir 'bugs/cccc\\u0000/../../../victim'"],
    ];
    for (const [entry, named] of dirs) {
      const parent = tempDir('tensorsmith-merge-attack-');
      mkdirSync(join(parent, 'victim'));
      writeFileSync(join(parent, 'victim', 'keep.txt'), 'the victim keeps this\n');
      const campaign = writeCampaign(join(parent, 'campaign'), [entry], ['cccc']);
      const before = treeOf(parent);
      expectRejected(await tensorsmith('merge', campaign, '--out', join(parent, 'out')), `${campaign}/summary.json: ${named} is not a folder inside ${campaign}`);
      expect(treeOf(parent)).toEqual(before);
    }
  });

  it("(b) an empty dir: exit 2, --out's files still there", async () => {
    const parent = tempDir('tensorsmith-merge-attack-');
    const campaign = writeCampaign(join(parent, 'campaign'), [bugEntry('aaaa', 'bugs/aaaa'), bugEntry('dddd', '')], ['aaaa']);
    const out = join(parent, 'out');
    mkdirSync(join(out, 'bugs', 'earlier'), { recursive: true });
    writeFileSync(join(out, 'results.csv'), 'a,b\n1,2\n');
    writeFileSync(join(out, 'bugs', 'earlier', 'model.json'), 'an earlier case\n');
    const before = treeOf(parent);

    const result = await tensorsmith('merge', campaign, '--out', out);

    expectRejected(result, `${campaign}/summary.json: bugs[1].dir '' is not a folder inside ${campaign} (it is empty); the file is corrupt`);
    expect(treeOf(parent)).toEqual(before);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('(c) an absolute dir (/etc, or a folder outside): exit 2, nothing read into --out', async () => {
    const outside = tempDir('tensorsmith-merge-outside-');
    writeFileSync(join(outside, 'secret.txt'), 'OUTSIDE-SECRET\n');
    for (const dir of ['/etc', outside]) {
      const parent = tempDir('tensorsmith-merge-attack-');
      const campaign = writeCampaign(join(parent, 'campaign'), [bugEntry('eeee', dir)]);
      const out = join(parent, 'out');
      const before = treeOf(parent);
      expectRejected(await tensorsmith('merge', campaign, '--out', out), `${campaign}/summary.json: bugs[0].dir '${dir}' is not a folder inside ${campaign} (it is an absolute path)`);
      expect(treeOf(parent)).toEqual(before);
    }
    expect(treeOf(outside)).toEqual({ 'secret.txt': 'OUTSIDE-SECRET\n' });
  });

  it("a case folder or an --out folder that a symbolic link takes outside: exit 2, the link's target untouched", async () => {
    // The campaign's bugs/ffff is a link to a folder outside it: merge would copy that folder's files.
    const parent = tempDir('tensorsmith-merge-attack-');
    mkdirSync(join(parent, 'private'));
    writeFileSync(join(parent, 'private', 'key'), 'PRIVATE\n');
    const campaign = writeCampaign(join(parent, 'campaign'), [bugEntry('ffff', 'bugs/ffff')]);
    mkdirSync(join(campaign, 'bugs'));
    symlinkSync(join(parent, 'private'), join(campaign, 'bugs', 'ffff'));
    const before = treeOf(parent);
    expectRejected(await tensorsmith('merge', campaign, '--out', join(parent, 'out')), `bugs[0].dir 'bugs/ffff' is not a folder inside ${campaign} (through a symbolic link it leads to`);
    expect(treeOf(parent)).toEqual(before);

    // --out's bugs/ is a link to a folder elsewhere: merge would delete and write there.
    const other = tempDir('tensorsmith-merge-attack-');
    mkdirSync(join(other, 'elsewhere', 'gggg'), { recursive: true });
    writeFileSync(join(other, 'elsewhere', 'gggg', 'keep.txt'), 'kept\n');
    const valid = writeCampaign(join(other, 'campaign'), [bugEntry('gggg', 'bugs/gggg')], ['gggg']);
    mkdirSync(join(other, 'out'));
    symlinkSync(join(other, 'elsewhere'), join(other, 'out', 'bugs'));
    const otherBefore = treeOf(other);
    expectRejected(await tensorsmith('merge', valid, '--out', join(other, 'out')), `bugs[0].dir 'bugs/gggg' is not a folder inside ${join(other, 'out')} (through a symbolic link it leads to`);
    expect(treeOf(other)).toEqual(otherBefore);
  });

  it('case folders that nest, and a case folder that is missing: exit 2 before anything is written', async () => {
    const parent = tempDir('tensorsmith-merge-attack-');
    const nesting = writeCampaign(join(parent, 'nesting'), [bugEntry('aaaa', 'bugs/aaaa'), bugEntry('hhhh', 'bugs')], ['aaaa']);
    const missing = writeCampaign(join(parent, 'missing'), [bugEntry('iiii', 'bugs/iiii')]);
    mkdirSync(join(parent, 'out'));
    writeFileSync(join(parent, 'out', 'notes.txt'), 'kept\n');
    const before = treeOf(parent);
    expectRejected(await tensorsmith('merge', nesting, '--out', join(parent, 'out')), "bugs[1].dir 'bugs' and", "bugs[0].dir 'bugs/aaaa' name one case folder or one inside the other");
    expectRejected(await tensorsmith('merge', missing, '--out', join(parent, 'out')), `bugs[0].dir 'bugs/iiii' names the case folder ${join(missing, 'bugs', 'iiii')}, which is missing or not a folder`);
    expect(treeOf(parent)).toEqual(before);
  });

  it('(e) valid campaigns still merge, into a new folder or into one of them reached through a link', async () => {
    const parent = tempDir('tensorsmith-merge-valid-');
    const a = writeCampaign(join(parent, 'a'), [bugEntry('aaaa', 'bugs/aaaa'), bugEntry('shared', 'bugs/shared', { firstSeen: { seed: 'seed-1', testIndex: 9 } })], ['aaaa', 'shared']);
    const b = writeCampaign(join(parent, 'b'), [bugEntry('bbbb', 'bugs/bbbb', { reduced: { nodes: 1, dir: 'bugs/bbbb/reduced' } }), bugEntry('shared', 'bugs/shared')], ['bbbb', 'shared']);
    writeFileSync(join(b, 'bugs', 'shared', 'model.json'), 'case shared, first seen in b\n');
    const out = join(parent, 'out');
    const merged = await tensorsmith('merge', a, b, '--out', out);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    expect(merged.stdout).toBe(`merged 2 folders into ${out}: 20 tests, 3 bugs (3 new, 0 regressions)\n`);
    expect(readFileSync(join(out, 'bugs', 'aaaa', 'model.json'), 'utf8')).toBe('case aaaa\n');
    expect(readFileSync(join(out, 'bugs', 'shared', 'model.json'), 'utf8')).toBe('case shared, first seen in b\n');

    // Merged into itself through a link: the case folders are the same folders, kept as they are.
    symlinkSync(a, join(parent, 'a-link'));
    const again = await tensorsmith('merge', a, '--out', join(parent, 'a-link'));
    expect(again.code).toBe(1);
    expect(readFileSync(join(a, 'bugs', 'aaaa', 'model.json'), 'utf8')).toBe('case aaaa\n');
  });
});

describe('tensorsmith report with case folder paths that leave the campaign', () => {
  const MARKER = 'OUTSIDE-THE-CAMPAIGN-7f3a';

  /** A fixture campaign and, beside it, a case folder outside it whose message holds MARKER. */
  function campaignWithOutsideCase() {
    const campaign = writeFixtureCampaign();
    const parent = tempDir('tensorsmith-report-attack-');
    const outside = join(parent, 'outside');
    cpSync(join(campaign.dir, 'bugs', campaign.wrong), outside, { recursive: true });
    const metaFile = join(outside, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { verdict: { message: string } };
    meta.verdict.message = MARKER;
    writeFileSync(metaFile, JSON.stringify(meta));
    writeFileSync(join(outside, 'reduced', 'meta.json'), JSON.stringify(meta));
    // The campaign moves beside the outside folder, so that '../outside' reaches it.
    const dir = join(parent, 'campaign');
    cpSync(campaign.dir, dir, { recursive: true });
    return { ...campaign, dir, outside, parent };
  }

  /** Sets a field of the bug with signature `signature` in DIR/summary.json. */
  function setBugField(dir: string, signature: string, set: (bug: Record<string, unknown>) => void): number {
    const file = join(dir, 'summary.json');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { bugs: Record<string, unknown>[] };
    const index = summary.bugs.findIndex((b) => b.signature === signature);
    set(summary.bugs[index]!);
    writeFileSync(file, JSON.stringify(summary));
    return index;
  }

  it("(d) a bug dir '../outside' or absolute: exit 2 on one line, no report written, nothing of the outside folder shown", async () => {
    for (const kind of ['relative', 'absolute', 'reduced'] as const) {
      const campaign = campaignWithOutsideCase();
      // The bug whose folder is gone: DIR/bugs/<signature> does not hold it, so the unchecked report took `dir`.
      const signature = kind === 'reduced' ? campaign.wrong : campaign.missing;
      const recorded = kind === 'absolute' ? campaign.outside : '../outside';
      const index = setBugField(campaign.dir, signature, (bug) => {
        if (kind === 'reduced') bug.reduced = { nodes: 1, dir: '../outside/reduced' };
        else bug.dir = recorded;
      });
      const field = kind === 'reduced' ? `bugs[${index}].reduced.dir '../outside/reduced'` : `bugs[${index}].dir '${recorded}'`;
      const reportFile = join(campaign.parent, 'report', 'report.md');
      const before = treeOf(campaign.parent);

      const toFile = await tensorsmith('report', campaign.dir, '--out', reportFile);
      expectRejected(toFile, `${campaign.dir}/summary.json: ${field} is not a folder inside ${campaign.dir}`, 'the file is corrupt');
      expect(treeOf(campaign.parent)).toEqual(before);

      for (const format of ['md', 'html', 'json', 'junit', 'sarif']) {
        const toStdout = await tensorsmith('report', campaign.dir, '--format', format);
        expectRejected(toStdout, field);
        expect(toStdout.stderr).not.toContain(MARKER);
      }
    }
  });

  it('a case folder, or a file in one, that a symbolic link takes outside: named as a problem, never read', async () => {
    const campaign = campaignWithOutsideCase();
    // bugs/<missing> a link to the outside case folder; the compile bug's meta.json a link to the outside one.
    symlinkSync(campaign.outside, join(campaign.dir, 'bugs', campaign.missing));
    const compileMeta = join(campaign.dir, 'bugs', campaign.compile, 'meta.json');
    rmSync(compileMeta);
    symlinkSync(join(campaign.outside, 'meta.json'), compileMeta);

    // summary.json records bugs/<missing> as the bug's dir: a recorded path through a link out rejects the file.
    const recorded = await tensorsmith('report', campaign.dir, '--format', 'json');
    expectRejected(recorded, `bugs[2].dir 'bugs/${campaign.missing}' is not a folder inside ${campaign.dir} (through a symbolic link it leads to ${campaign.outside})`);
    expect(recorded.stderr).not.toContain(MARKER);

    // Without a recorded dir the report still looks under DIR/bugs/<signature>: found a link out, it reads nothing there.
    setBugField(campaign.dir, campaign.missing, (bug) => {
      delete bug.dir;
    });
    const result = await tensorsmith('report', campaign.dir, '--format', 'json');

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(MARKER);
    const doc = JSON.parse(result.stdout) as { bugs: { signature: string; problems: string[] }[] };
    const problemsOf = (signature: string) => doc.bugs.find((b) => b.signature === signature)!.problems.join('\n');
    expect(problemsOf(campaign.missing)).toContain(`${join(campaign.dir, 'bugs', campaign.missing)} is not read: it is not inside the campaign folder ${campaign.dir} (through a symbolic link it leads to ${campaign.outside})`);
    expect(problemsOf(campaign.missing)).toMatch(/case folder not found/);
    expect(problemsOf(campaign.compile)).toContain(`${compileMeta} is not read: it is not inside the campaign folder ${campaign.dir}`);
  });

  it('(e) a valid campaign, and its merge, still report', async () => {
    const campaign = writeFixtureCampaign();
    const direct = await tensorsmith('report', campaign.dir, '--format', 'json');
    expect(direct.code).toBe(0);
    const doc = JSON.parse(direct.stdout) as { bugs: { signature: string; problems: string[] }[] };
    expect(doc.bugs.find((b) => b.signature === campaign.wrong)!.problems).toEqual([]);

    // Merge needs every listed case folder: drop the fixture's bug whose folder is gone.
    const file = join(campaign.dir, 'summary.json');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { bugs: { signature: string }[] };
    writeFileSync(file, JSON.stringify({ ...summary, bugs: summary.bugs.filter((b) => b.signature !== campaign.missing) }));
    const out = join(tempDir('tensorsmith-report-valid-'), 'merged');
    const merged = await tensorsmith('merge', campaign.dir, '--out', out);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    const report = await tensorsmith('report', out, '--format', 'json');
    expect(report.code).toBe(0);
    const mergedDoc = JSON.parse(report.stdout) as { bugs: { signature: string; problems: string[]; shownDir: string }[] };
    expect(mergedDoc.bugs.map((b) => b.signature).sort()).toEqual([campaign.compile, campaign.wrong].sort());
    for (const bug of mergedDoc.bugs) expect(bug.problems).toEqual([]);
    expect(mergedDoc.bugs.find((b) => b.signature === campaign.wrong)!.shownDir).toBe(`bugs/${campaign.wrong}/reduced`);
  });
});
