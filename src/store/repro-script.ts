import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBrowserSut } from '../backends/browser/names.js';
import { ORT_OPT_LEVELS, ORT_WEB_SESSION_OPTIONS, ortNodeSessionOptions } from '../backends/onnxruntime-options.js';
import type { Model } from '../ir/model.js';
import type { CaseMeta } from './case-folder.js';
import { ortScriptBody, scriptLiteral, scriptOutputs, type OrtScriptSut, type ScriptCase } from './repro-script-ort.js';

export interface ReproScriptArgs {
  readonly meta: CaseMeta;
  /** The case's model (the reduced one for a reduced/ folder): its outputs' dtypes and tolerances. */
  readonly model: Model;
  /** The tensorsmith CLI the script of a SUT without a standalone script runs (default OWN_CLI). */
  readonly cli?: string;
}

/**
 * The built CLI of this installation. A script that replays its case with tensorsmith runs it by
 * this absolute path with node: `npx tensorsmith` outside the project would fetch and run whatever
 * the npm registry holds under that name. ../../dist/cli/main.js names it from dist/campaign/ and,
 * when tensorsmith runs from source, from src/campaign/ alike.
 */
export const OWN_CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * The onnxruntime SUTs a script can run with nothing but their own package: the session options
 * are those src/backends/onnxruntime-node.ts and onnxruntime-web.ts create their sessions with.
 */
function ortSut(backend: string): OrtScriptSut | undefined {
  const level = ORT_OPT_LEVELS.find((l) => backend === `ort-${l}`);
  if (level) {
    return {
      package: 'onnxruntime-node',
      sessionOptions: ortNodeSessionOptions(level),
      settings: `graphOptimizationLevel '${level}', cpu execution provider, default thread counts`,
    };
  }
  if (backend === 'ort-web-wasm') {
    return {
      package: 'onnxruntime-web',
      sessionOptions: ORT_WEB_SESSION_OPTIONS,
      settings: "wasm execution provider, graphOptimizationLevel 'all', env.wasm.numThreads = 1",
    };
  }
  return undefined;
}

/** How tensorsmith sets up a SUT's session, as a sentence for a bug report; undefined when it has no settings to state. */
export function sutSettings(backend: string): string | undefined {
  const ort = ortSut(backend);
  if (ort) return ort.settings;
  if (backend === 'chrome-ort-webgpu') return "onnxruntime-web's WebGPU execution provider (ort.webgpu.min.mjs) in headless Chromium, graphOptimizationLevel 'all'";
  if (backend === 'chrome-ort-wasm') return "onnxruntime-web's wasm execution provider (ort.wasm.min.mjs) in headless Chromium, graphOptimizationLevel 'all', env.wasm.numThreads = 1";
  if (backend === 'chrome-tfjs-webgpu') return "TensorFlow.js's WebGPU backend in headless Chromium, running tensorsmith's ONNX-to-tfjs translation";
  if (backend.startsWith('tfjs-')) return `TensorFlow.js's ${backend.slice('tfjs-'.length)} backend in Node, running tensorsmith's ONNX-to-tfjs translation`;
  return undefined;
}

/** Why a SUT has no standalone script (yet): fixed text, as every comment of a script is. */
function noStandaloneReason(backend: string): string {
  if (backend.startsWith('tfjs-')) return 'tensorsmith runs TensorFlow.js through its own ONNX-to-tfjs translation (tfjs has no ONNX loader)';
  if (backend === 'ref-cpu') return "ref-cpu is tensorsmith's own reference runtime";
  if (isBrowserSut(backend)) return 'the SUT runs in a page of headless Chromium, which tensorsmith repro starts and drives (repro.html beside this script runs the case in your own Chrome)';
  return 'the SUT (CASE.backend) is an external adapter: only its adapter module knows how to run the model';
}

/** The recorded facts a script holds as its CASE constant. */
export function scriptCase(meta: CaseMeta, model: Model): ScriptCase {
  const v = meta.verdict;
  const sut = meta.backends?.find((b) => b.name === v.backend);
  return {
    kind: v.kind,
    backend: v.backend,
    message: v.message,
    sut: sut && { package: sut.package, version: sut.version },
    seed: meta.seed,
    testIndex: meta.testIndex,
    toolVersion: meta.toolVersion,
    signature: meta.signature?.hash,
    model: { nodes: model.nodes.length, ops: [...new Set(model.nodes.map((n) => n.op))], opset: model.opset },
  };
}

/**
 * The script's header comment. Only fixed text of ours: a recorded value (a seed, a message, a
 * backend name) could hold a newline or U+2028 and end the comment, so values live in CASE.
 */
function header(meta: CaseMeta, how: readonly string[]): string[] {
  const outcome: Record<string, string> = {
    crash: 'The bug is a crash: node dies while the script runs.',
    hang: 'The bug is a hang: the script does not return (interrupt it).',
  };
  const kind = meta.verdict.kind;
  return [
    '// A tensorsmith bug case. CASE below records it: the kind of bug, the SUT it was found on and',
    "// that SUT's package and version, the seed and test that found it, its signature and the model.",
    ...(Object.hasOwn(outcome, kind) ? [`// ${outcome[kind]}`] : []),
    '//',
    ...how.map((l) => `// ${l}`.trimEnd()),
  ];
}

/**
 * The text of repro.mjs for a case folder. For onnxruntime SUTs it is standalone: it needs only the
 * SUT's npm package and the model.onnx, inputs.json and expected.json beside it, runs the session
 * as the campaign did and judges the outputs with the oracle's tolerances. For other SUTs it runs
 * `tensorsmith repro` on its folder with the CLI that wrote it. Either exits 1 while the bug is
 * there, 0 once it is gone and 2 when it cannot run.
 */
export function reproScript(args: ReproScriptArgs): string {
  const backend = args.meta.verdict.backend;
  const recorded = scriptCase(args.meta, args.model);
  // A state bug needs its setup test run first in the same SUT process: tensorsmith repro does that.
  const ort = args.meta.setup ? undefined : ortSut(backend);
  if (ort) {
    const outputs = scriptOutputs(args.model);
    const lines = header(args.meta, [
      `Standalone: it needs only ${ort.package} and model.onnx, inputs.json and expected.json (the`,
      'float64 reference outputs) beside it. Run it in this folder, VERSION being CASE.sut.version:',
      `  npm i ${ort.package}@VERSION && node repro.mjs`,
      `Session: ${ort.settings}, as tensorsmith ran it.`,
      'Exit code 1 while the bug is there (an output out of tolerance, a NaN/Inf mismatch, or an',
      'error), 0 once every output agrees with expected.json, 2 when it cannot run (the package is',
      'not installed, a case file is unreadable).',
    ]);
    return ['#!/usr/bin/env node', ...lines, '', ortScriptBody(ort, outputs, recorded)].join('\n');
  }
  const lines = header(args.meta, [
    args.meta.setup
      ? 'A state bug: the test fails only after the test in setup/ ran in the same SUT process, and tensorsmith repro runs that first.'
      : `No standalone script: ${noStandaloneReason(backend)}.`,
    'This one replays the case with the tensorsmith CLI that wrote it (CLI below), or, once that is',
    'gone, with a tensorsmith installed where `npx --no-install` finds it. Exit code 1 while the bug',
    'is there, 0 once it is gone, 2 when it cannot run. Extra arguments go to tensorsmith repro:',
    '  node repro.mjs [--backend-module PATH]',
  ]);
  return [
    '#!/usr/bin/env node',
    ...lines,
    '',
    "import { spawnSync } from 'node:child_process';",
    "import { existsSync } from 'node:fs';",
    "import { fileURLToPath } from 'node:url';",
    '',
    `const CASE = ${scriptLiteral(recorded, 2)};`,
    `const CLI = ${scriptLiteral(args.cli ?? OWN_CLI)};`,
    '',
    "const folder = fileURLToPath(new URL('.', import.meta.url));",
    "const reproArgs = ['repro', folder, ...process.argv.slice(2)];",
    '',
    '// Exit 2 when the replay cannot run at all: 1 stands for the bug only.',
    'function cannotRun(why) {',
    "  console.error('repro.mjs cannot run: ' + why);",
    '  process.exit(2);',
    '}',
    '',
    "console.log('tensorsmith bug case: ' + CASE.kind + ' on ' + CASE.backend + '; replaying it with tensorsmith repro');",
    '',
    '// The CLI that wrote this case, run with this node; once that is gone, a tensorsmith installed',
    '// here: --no-install keeps npx from fetching whatever the registry holds under the name.',
    'const ownCli = existsSync(CLI);',
    'function tensorsmith(args, stdio) {',
    '  return ownCli',
    '    ? spawnSync(process.execPath, [CLI, ...args], { stdio })',
    "    : spawnSync('npx', ['--no-install', 'tensorsmith', ...args], { stdio, shell: process.platform === 'win32' });",
    '}',
    '',
    '// A tensorsmith that cannot start exits 1 (node on a module it cannot load, npx on finding none),',
    '// as tensorsmith repro does while the bug is there: ask it for its version first.',
    "const probe = tensorsmith(['--version'], 'ignore');",
    'if (probe.error || probe.status !== 0) {',
    '  cannotRun(',
    '    ownCli',
    "      ? 'the tensorsmith CLI that wrote this case (' + CLI + ') does not start: ' + (probe.error ? probe.error.message : '--version exits ' + probe.status)",
    "      : 'the tensorsmith CLI that wrote this case (' + CLI + ') is gone and npx finds no tensorsmith installed here (this case was written by tensorsmith ' + CASE.toolVersion + ')',",
    '  );',
    '}',
    "const run = tensorsmith(reproArgs, 'inherit');",
    "if (run.error) cannotRun('could not run tensorsmith repro: ' + run.error.message);",
    '// No exit status (killed by a signal) is no verdict either.',
    'process.exit(run.status ?? 2);',
    '',
  ].join('\n');
}

/** Writes DIR/repro.mjs (executable). */
export function writeReproScript(dir: string, args: ReproScriptArgs): void {
  const file = join(dir, 'repro.mjs');
  writeFileSync(file, reproScript(args));
  chmodSync(file, 0o755);
}
