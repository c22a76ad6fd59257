import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

/**
 * The harness of the mutated-folder property (test/hardening/mutated-folders.test.ts, and its long
 * version in bench/mutated-folders.mjs): real case, campaign, conformance and config files, one of
 * them damaged the way a careless or hostile user would (truncated, a value of another type, null,
 * a huge shape, a path out of the folder, a file that became a folder), fed to the command that
 * reads it. The command must succeed, or refuse with exit 2 and one line on stderr; never an
 * internal error, never a write outside what it writes to.
 */

const FIXTURE = resolve('test/fixtures/log-wrong-adapter.mjs');
const CONFORMANCE_SOURCE = resolve('../shared/onnx-node-tests');
const SUT = ['--backend-module', FIXTURE, '--no-isolation'];

export interface Templates {
  readonly root: string;
  readonly campaign: string;
  /** The case folder inside the campaign (relative to it). */
  readonly caseDir: string;
  readonly conformance?: string;
  readonly config: string;
}

/** A small real campaign with reduced bugs, a few conformance cases and a config file. */
export async function makeTemplates(): Promise<Templates> {
  const root = tempDir('tensorsmith-mutation-template-');
  const campaign = join(root, 'campaign');
  const io = captureIo();
  const code = await runCli(
    ['fuzz', '--seed', 'mutate', '--index-limit', '10', '--max-nodes', '3', '--ops', 'Log,Exp,Add', '--search-steps', '20', '--reduce-steps', '20', '--backends', 'log-wrong', ...SUT, '--out', campaign],
    io,
  );
  if (code !== 1) throw new Error(`the template campaign should find log-wrong's bug (exit 1), got ${code}: ${io.stderr()}`);
  const bug = readdirSync(join(campaign, 'bugs'))[0];
  if (!bug) throw new Error('the template campaign listed no bug');
  let conformance: string | undefined;
  if (existsSync(CONFORMANCE_SOURCE)) {
    conformance = join(root, 'conformance');
    for (const name of ['test_abs', 'test_add_bcast', 'test_reduce_sum_keepdims_example']) cpSync(join(CONFORMANCE_SOURCE, name), join(conformance, name), { recursive: true });
  }
  const config = join(root, 'tensorsmith.config.json');
  writeFileSync(config, JSON.stringify({ maxNodes: 3, fuzz: { backends: 'ref-cpu', ops: 'Relu,Add', maxTests: 1, reduceSteps: 5 } }, null, 2));
  return { root, campaign, caseDir: join('bugs', bug), ...(conformance ? { conformance } : {}), config };
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The replacement values a mutation puts in place of a JSON value. */
const REPLACEMENTS: readonly (Json | 'DELETE')[] = [
  null, 'DELETE', true, -1, 0, 2.5, 1e300, '', 'x', '../../outside', '/etc/passwd', [], {}, [null], [100000, 100000, 100000], [-3, 2], 'AAAA', { format: 1 },
];

/** Paths to every value inside a JSON document. */
function jsonPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...jsonPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths.push(...jsonPaths(v, [...prefix, k]));
  return paths;
}

function replaceAt(doc: Json, path: readonly (string | number)[], replacement: Json | 'DELETE'): Json {
  if (path.length === 0) return replacement === 'DELETE' ? null : replacement;
  const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string, Json>)[k as string]!, doc) as Record<string, Json> | Json[];
  const key = path[path.length - 1]!;
  if (replacement === 'DELETE') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else (parent as Record<string, Json>)[key as string] = replacement;
  return doc;
}

export interface Mutation {
  /** Which file (an index into the target's files, modulo their count). */
  readonly file: number;
  readonly kind: 'json-value' | 'truncate' | 'bytes' | 'delete' | 'folder' | 'empty';
  /** Where (an index into the JSON paths, or a byte offset, modulo the size). */
  readonly at: number;
  readonly replacement: number;
}

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  file: fc.nat(),
  kind: fc.constantFrom<Mutation['kind']>('json-value', 'json-value', 'json-value', 'truncate', 'bytes', 'delete', 'folder', 'empty'),
  at: fc.nat(),
  replacement: fc.nat(),
});

/** Applies a mutation to one of a folder's files (or to the file itself); says what it did. */
export function mutate(target: string, m: Mutation): string {
  const isFile = statSync(target).isFile();
  const files = isFile ? [''] : filesUnder(target);
  const rel = files[m.file % files.length]!;
  const path = isFile ? target : join(target, rel);
  const bytes = readFileSync(path);
  let kind = m.kind;
  let doc: Json | undefined;
  if (kind === 'json-value') {
    try {
      doc = JSON.parse(bytes.toString('utf8')) as Json;
    } catch {
      kind = 'bytes';
    }
  }
  switch (kind) {
    case 'json-value': {
      const paths = jsonPaths(doc!);
      const at = paths[m.at % paths.length]!;
      const replacement = REPLACEMENTS[m.replacement % REPLACEMENTS.length]!;
      writeFileSync(path, JSON.stringify(replaceAt(doc!, at, replacement)));
      return `${rel || path}: ${JSON.stringify(at)} := ${JSON.stringify(replacement)}`;
    }
    case 'truncate':
      writeFileSync(path, bytes.subarray(0, bytes.length === 0 ? 0 : m.at % bytes.length));
      return `${rel || path}: truncated to ${bytes.length === 0 ? 0 : m.at % bytes.length} bytes`;
    case 'bytes': {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[m.at % copy.length] = m.replacement % 256;
      writeFileSync(path, copy);
      return `${rel || path}: byte ${copy.length === 0 ? 0 : m.at % copy.length} := ${m.replacement % 256}`;
    }
    case 'delete':
      rmSync(path);
      return `${rel || path}: deleted`;
    case 'folder':
      rmSync(path);
      mkdirSync(path);
      return `${rel || path}: became a folder`;
    case 'empty':
      writeFileSync(path, '');
      return `${rel || path}: emptied`;
  }
}

/** Every file under a folder with its bytes: what a command must not change outside its output. */
function snapshot(dir: string, except: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    if (except.some((e) => d === e)) return;
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (except.includes(path)) continue;
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else files.set(path, readFileSync(path).toString('base64'));
    }
  };
  walk(dir);
  return files;
}

export const COMMANDS = ['run', 'repro', 'repro-campaign', 'reduce', 'report', 'merge', 'known', 'conformance', 'resume', 'config'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface Trial {
  readonly command: CommandName;
  readonly mutation: Mutation;
  readonly reportFormat: number;
}

export interface TrialResult {
  readonly code: number;
  readonly stderr: string;
  readonly mutated: string;
  readonly argv: readonly string[];
  /** What is wrong, if anything. */
  readonly problem?: string;
}

/** Copies the templates, damages one file, runs the command on it and checks the outcome. */
export async function runTrial(t: Templates, trial: Trial): Promise<TrialResult> {
  const work = tempDir('tensorsmith-mutation-');
  try {
    const campaign = join(work, 'campaign');
    cpSync(t.campaign, campaign, { recursive: true });
    const caseDir = join(campaign, t.caseDir);
    const out = join(work, 'out');
    const config = join(work, 'tensorsmith.config.json');
    cpSync(t.config, config);
    const conformance = t.conformance ? join(work, 'conformance') : undefined;
    if (conformance) cpSync(t.conformance!, conformance, { recursive: true });
    const formats = ['md', 'html', 'json', 'junit', 'sarif'];
    // What each command reads (the mutation's target), its arguments and where it may write.
    const plan: Record<CommandName, { target: string; argv: string[]; writes: string[] }> = {
      run: { target: caseDir, argv: ['run', caseDir, '--backends', 'log-wrong', ...SUT], writes: [] },
      repro: { target: caseDir, argv: ['repro', caseDir, ...SUT], writes: [] },
      'repro-campaign': { target: campaign, argv: ['repro', '--campaign', campaign, '--index', '3', ...SUT, '--out', out], writes: [out] },
      reduce: { target: caseDir, argv: ['reduce', caseDir, '--reduce-steps', '5', ...SUT], writes: [caseDir] },
      report: { target: campaign, argv: ['report', campaign, '--format', formats[trial.reportFormat % formats.length]!, '--out', join(work, 'report.out')], writes: [join(work, 'report.out')] },
      merge: { target: campaign, argv: ['merge', campaign, '--out', out], writes: [out] },
      known: { target: join(campaign, 'signatures.json'), argv: ['known', join(campaign, 'signatures.json'), '--json'], writes: [] },
      conformance: conformance
        ? { target: conformance, argv: ['conformance', conformance, '--json'], writes: [] }
        : { target: caseDir, argv: ['run', caseDir, '--backends', 'log-wrong', ...SUT], writes: [] },
      resume: { target: campaign, argv: ['fuzz', '--resume', '--out', campaign, ...SUT.slice(0, 2)], writes: [campaign] },
      config: { target: config, argv: ['--config', config, 'fuzz', '--seed', '1', '--out', out, '--no-isolation'], writes: [out] },
    };
    const { target, argv, writes } = plan[trial.command];
    const mutated = mutate(target, trial.mutation);
    const before = snapshot(work, writes);
    const io = captureIo();
    const code = await runCli(argv, io);
    const stderr = io.stderr();
    const after = snapshot(work, writes);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
    let problem: string | undefined;
    if (stderr.includes('internal error')) problem = 'internal error';
    else if (code !== 0 && code !== 1 && code !== 2) problem = `exit code ${code}`;
    else if (code === 2 && stderr.trim().split('\n').length !== 1) problem = 'exit 2 with more than one line on stderr';
    else if (changed.length > 0) problem = `wrote outside its output: ${changed.map((f) => relative(work, f)).join(', ')}`;
    return { code, stderr, mutated, argv, ...(problem ? { problem } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const trialArbitrary: fc.Arbitrary<Trial> = fc.record({
  command: fc.constantFrom(...COMMANDS),
  mutation: mutationArbitrary,
  reportFormat: fc.nat(),
});
