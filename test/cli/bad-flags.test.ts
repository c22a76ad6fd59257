// Issue 13: bad input gives one line on stderr naming the flag or file, exit 2, and writes nothing.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDurationSec } from '../../src/cli/options.js';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

/** Runs argv and checks the contract: exit 2 and exactly one stderr line, which it returns. */
async function refused(argv: string[]): Promise<string> {
  const io = captureIo();
  const code = await runCli(argv, io);
  const lines = io.stderr().split('\n').filter((l) => l !== '');
  expect({ code, lines }, argv.join(' ')).toMatchObject({ code: 2, lines: [expect.stringMatching(/^tensorsmith: /)] });
  return lines[0]!;
}

const QUICK = ['--backends', 'ref-cpu', '--no-isolation', '--time', '5', '--max-tests', '2', '--max-nodes', '2'];

describe('bad flags', () => {
  it('refuses an empty --backends, --dtypes or --shard on fuzz, writing nothing', async () => {
    for (const [flag, value, pattern] of [
      ['--backends', '', /--backends is empty: name at least one SUT/],
      ['--backends', ' , ', /--backends is empty/],
      ['--dtypes', '', /--dtypes is empty: name at least one dtype/],
      ['--shard', '', /--shard must be i\/N/],
    ] as const) {
      const out = join(tempDir(), 'campaign');
      expect(await refused(['fuzz', ...QUICK, flag, value, '--out', out])).toMatch(pattern);
      expect(existsSync(out), `${flag} '${value}'`).toBe(false);
    }
  });

  it('takes durations with a unit (30s, 5m, 1h) and refuses other units, naming the flag', async () => {
    expect(parseDurationSec('--time', '90')).toBe(90);
    expect(parseDurationSec('--time', '30s')).toBe(30);
    expect(parseDurationSec('--time', '5m')).toBe(300);
    expect(parseDurationSec('--time', '1.5h')).toBe(5400);
    for (const [flag, value] of [
      ['--time', '5d'],
      ['--time', '0s'],
      ['--time', 'm'],
      ['--timeout', '-3'],
    ] as const) {
      const out = join(tempDir(), 'campaign');
      expect(await refused(['fuzz', ...QUICK, flag, value, '--out', out])).toMatch(new RegExp(`${flag} must be a positive duration \\(seconds, or with a unit: 30s, 5m, 1h\\), got '${value}'`));
      expect(existsSync(out)).toBe(false);
    }
  });

  it('refuses counts that would run for ever or allocate without end (a config file gave 1e300)', async () => {
    for (const [flag, value, pattern] of [
      ['--max-nodes', '1e300', /--max-nodes must be at most 500 \(a model takes the generator too long past it\), got '1e300'/],
      ['--max-elements', '1e9', /--max-elements must be at most 67108864 \(the tensor size limit; TENSORSMITH_MAX_ELEMENTS raises it\)/],
      ['--jobs', '100000', /--jobs must be at most 256/],
      ['--index-limit', '1e300', /--index-limit must be at most 9007199254740991/],
    ] as const) {
      const out = join(tempDir(), 'campaign');
      expect(await refused(['fuzz', ...QUICK, flag, value, '--out', out])).toMatch(pattern);
      expect(existsSync(out), `${flag} '${value}'`).toBe(false);
    }
  });

  it('names an unknown op of --ops or --exclude-ops on fuzz and gen, and points at tensorsmith ops', async () => {
    for (const command of ['fuzz', 'gen']) {
      for (const flag of ['--ops', '--exclude-ops']) {
        const out = join(tempDir(), 'out');
        const extra = command === 'fuzz' ? QUICK : [];
        const line = await refused([command, ...extra, flag, 'Relu,Frobnicate', '--out', out]);
        expect(line).toMatch(new RegExp(`${flag}: unknown op 'Frobnicate'.*tensorsmith ops`));
        expect(existsSync(out)).toBe(false);
      }
    }
  });

  it('says so when the op flags leave no op to build a model from', async () => {
    const ops = (await import('../../src/opspec/ops/index.js')).builtinRegistry();
    const every = [...new Set(ops.all(17).map((s) => s.name))].join(',');
    for (const argv of [
      ['gen', '--exclude-ops', every],
      ['fuzz', ...QUICK, '--exclude-ops', every],
      ['gen', '--ops', 'Relu', '--dtypes', 'bool'],
    ]) {
      const out = join(tempDir(), 'out');
      expect(await refused([...argv, '--out', out])).toMatch(/no op is left by --(ops|exclude-ops) at opset 17 for dtypes [a-z0-9, ]+, so no model can be built/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('fuzz --jobs refuses an unknown SUT or a broken adapter module itself, before any worker starts', async () => {
    const broken = join(tempDir(), 'broken.mjs');
    writeFileSync(broken, 'export default () => { throw new Error("no GPU here"); };');
    for (const [argv, pattern] of [
      [['--backends', 'nope'], /unknown backend 'nope' \(known: .*ref-cpu/],
      [['--backends', 'ref-cpu', '--backend-module', broken], /--backend-module '.*broken\.mjs': its default-export factory threw: no GPU here/],
    ] as const) {
      const out = join(tempDir(), 'campaign');
      const io = { ...captureIo(), self: { command: process.execPath, args: ['dist/cli/main.js'] } };
      expect(await runCli(['fuzz', '--jobs', '2', '--time', '5', ...argv, '--out', out], io)).toBe(2);
      expect(io.stderr().trim().split('\n')).toEqual([expect.stringMatching(pattern)]);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('refuses a --filter that is not a regular expression', async () => {
    expect(await refused(['conformance', tempDir(), '--filter', '('])).toMatch(/--filter '\(' is not a valid regular expression \(Unterminated group\)/);
  });
});

describe('bad --out and --cache-dir', () => {
  let root: string;
  let file: string;
  let campaign: string;
  beforeAll(async () => {
    root = tempDir();
    file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    campaign = join(root, 'campaign');
    expect(await runCli(['fuzz', ...QUICK, '--seed', '1', '--out', campaign], captureIo())).toBe(0);
  }, 60_000);

  it('refuses a file where a folder is needed (fuzz, gen, merge, repro --seed), writing nothing', async () => {
    for (const argv of [
      ['fuzz', ...QUICK, '--out', file],
      ['gen', '--out', file],
      ['merge', campaign, '--out', file],
      ['repro', '--seed', '1', '--index', '0', '--max-nodes', '2', '--backends', 'ref-cpu', '--no-isolation', '--out', file],
    ]) {
      expect(await refused(argv)).toMatch(/--out must be a folder, but '.*a-file' is a file/);
    }
    // Below a file, too: nothing can be created there.
    expect(await refused(['gen', '--out', join(file, 'sub')])).toMatch(/--out must be a folder, but '.*a-file' \(on the way to/);
    expect(readdirSync(root).sort()).toEqual(['a-file', 'campaign']);
  });

  it('refuses a folder where a file is needed (report --out, fuzz --known)', async () => {
    const folder = join(root, 'a-folder');
    mkdirSync(folder);
    expect(await refused(['report', campaign, '--out', folder])).toMatch(/--out must be a file, but '.*a-folder' is a folder/);
    const out = join(root, 'never');
    expect(await refused(['fuzz', ...QUICK, '--known', folder, '--out', out])).toMatch(/--known must be a file, but '.*a-folder' is a folder/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses a --cache-dir that is a file', async () => {
    const out = join(root, 'never');
    expect(await refused(['fuzz', ...QUICK, '--cache-dir', file, '--out', out])).toMatch(/--cache-dir must be a folder, but '.*a-file' is a file/);
    expect(existsSync(out)).toBe(false);
    expect(await refused(['backends', '--probe', '--cache-dir', file])).toMatch(/--cache-dir must be a folder/);
  });
});

describe('bad adapter modules', () => {
  const modules = tempDir();
  const module = (name: string, text: string) => {
    const path = join(modules, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the module and what is wrong with it', async () => {
    for (const [path, pattern] of [
      [module('throws.mjs', 'export default () => { throw new Error("no GPU here"); };'), /its default-export factory threw: no GPU here/],
      [module('not-a-function.mjs', 'export default 42;'), /must default-export a factory function/],
      [module('returns-a-number.mjs', 'export default () => 42;'), /the factory must return an adapter object \(or an array of them\), got number/],
      [module('returns-nothing.mjs', 'export default () => [];'), /returned no adapter/],
      [join(modules, 'missing.mjs'), /does not exist/],
    ] as const) {
      const out = join(tempDir(), 'campaign');
      const line = await refused(['fuzz', ...QUICK, '--backend-module', path, '--out', out]);
      expect(line).toContain(path);
      expect(line).toMatch(pattern);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('bad config files', () => {
  /** Writes a config file and runs argv with --config pointing at it. */
  async function withConfig(text: string, argv: string[]): Promise<{ line: string; path: string }> {
    const path = join(tempDir(), 'tensorsmith.config.json');
    writeFileSync(path, text);
    return { line: await refused(['--config', path, ...argv]), path };
  }

  it('refuses values of the wrong type, naming the file, the key and the expected type', async () => {
    for (const [config, pattern] of [
      ['{"maxNodes": true}', /'maxNodes' must be a number \(the value of --max-nodes\), got boolean true/],
      ['{"fuzz": {"resume": "yes"}}', /'fuzz.resume' must be true or false \(the switch --resume\), got the string "yes"/],
      ['{"fuzz": 3}', /'fuzz' must be an object of fuzz's flag values .*got number 3/],
      ['{"dtypes": 5}', /'dtypes' must be a list of strings .*\(the value of --dtypes\), got number 5/],
      ['{"fuzz": {"backendModule": 5}}', /'fuzz.backendModule' must be a list of strings/],
      ['{"inputSearch": "no"}', /'inputSearch' must be true or false \(false means --no-input-search\), got the string "no"/],
      ['{"seed": {"a": 1}}', /'seed' must be a string \(the value of --seed <seed>\), got object/],
    ] as const) {
      const out = join(tempDir(), 'campaign');
      const { line, path } = await withConfig(config, ['fuzz', ...QUICK, '--out', out]);
      expect(line, config).toContain(`config file '${path}'`);
      expect(line, config).toMatch(pattern);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('refuses a file that is not JSON or not an object', async () => {
    for (const [config, pattern] of [
      ['{"maxNodes": 2,', /is not valid JSON/],
      ['[1, 2]', /must hold a JSON object of flag values .*got an array/],
      ['"fuzz"', /must hold a JSON object/],
    ] as const) {
      const out = join(tempDir(), 'out');
      const { line, path } = await withConfig(config, ['gen', '--out', out]);
      expect(line).toContain(`config file '${path}'`);
      expect(line).toMatch(pattern);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('accepts a byte-order mark and still applies valid values', async () => {
    const dir = tempDir();
    const path = join(dir, 'tensorsmith.config.json');
    writeFileSync(path, '\uFEFF{"maxNodes": 2, "gen": {"seed": 7, "input-search": false}}');
    const io = captureIo();
    expect(await runCli(['--config', path, 'gen', '--out', join(dir, 'out')], io)).toBe(0);
    expect(io.stdout()).toMatch(/: [12] nodes/);
  });
});
