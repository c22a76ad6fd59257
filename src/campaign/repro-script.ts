import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORT_OPT_LEVELS, ORT_WEB_SESSION_OPTIONS, ortNodeSessionOptions } from '../backends/onnxruntime-options.js';
import { isFloatDType } from '../ir/dtype.js';
import { outputInfos, type Model } from '../ir/model.js';
import { toleranceDtypes } from '../oracles/precision.js';
import { TOLERANCES } from '../oracles/tolerance.js';
import type { CaseMeta } from './case-folder.js';
import { ortScriptBody, type OrtScriptSut } from './repro-script-ort.js';

export interface ReproScriptArgs {
  readonly meta: CaseMeta;
  /** The case's model (the reduced one for a reduced/ folder): its outputs' dtypes and tolerances. */
  readonly model: Model;
}


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

/** Why a SUT has no standalone script (yet). */
function noStandaloneReason(backend: string, pkg: string | undefined): string {
  if (backend.startsWith('tfjs-')) return 'tensorsmith runs TensorFlow.js through its own ONNX-to-tfjs translation (tfjs has no ONNX loader)';
  if (backend === 'ref-cpu') return "ref-cpu is tensorsmith's own reference runtime";
  return `'${backend}' is an external adapter${pkg ? ` (${pkg})` : ''}: only its adapter module knows how to run the model`;
}

/** One line, short enough for a comment. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

function header(args: ReproScriptArgs, how: readonly string[]): string[] {
  const { meta, model } = args;
  const v = meta.verdict;
  const sut = meta.backends?.find((b) => b.name === v.backend);
  const ops = [...new Set(model.nodes.map((n) => n.op))].join(', ');
  const outcome: Record<string, string> = {
    crash: 'The bug is a crash: node dies while the script runs.',
    hang: 'The bug is a hang: the script does not return (interrupt it).',
  };
  return [
    `// tensorsmith bug case: ${v.kind} on ${v.backend}`,
    ...(v.message ? [`//   ${oneLine(v.message)}`] : []),
    `// SUT: ${sut ? `${sut.package} ${sut.version}` : v.backend}`,
    `// Found by tensorsmith ${meta.toolVersion}, seed ${JSON.stringify(meta.seed)}, test ${meta.testIndex}; signature ${meta.signature?.hash ?? '?'}.`,
    `// Model: ${model.nodes.length} node${model.nodes.length === 1 ? '' : 's'} (${ops}), opset ${model.opset}.`,
    ...(outcome[v.kind] ? [`// ${outcome[v.kind]}`] : []),
    '//',
    ...how.map((l) => `// ${l}`.trimEnd()),
  ];
}

function installCommand(pkg: string, meta: CaseMeta, backend: string): string {
  const version = meta.backends?.find((b) => b.name === backend && b.package === pkg)?.version;
  return `npm i ${pkg}${version ? `@${version}` : ''} && node repro.mjs`;
}

/**
 * The text of repro.mjs for a case folder. For onnxruntime SUTs it is standalone: it needs only the
 * SUT's npm package and the model.onnx, inputs.json and expected.json beside it, runs the session
 * as the campaign did and judges the outputs with the oracle's tolerances. For other SUTs it runs
 * `npx tensorsmith repro` on its folder.
 */
export function reproScript(args: ReproScriptArgs): string {
  const backend = args.meta.verdict.backend;
  // A state bug needs its setup test run first in the same SUT process: tensorsmith repro does that.
  const ort = args.meta.setup ? undefined : ortSut(backend);
  if (ort) {
    const tolDtypes = toleranceDtypes(args.model);
    const outputs = outputInfos(args.model).map((o) => {
      const tol = TOLERANCES[isFloatDType(o.dtype) ? (tolDtypes.get(o.name) ?? o.dtype) : o.dtype];
      return { name: o.name, dtype: o.dtype, rtol: tol.rtol, atol: tol.atol };
    });
    const lines = header(args, [
      'Standalone: it needs only the SUT\'s package and model.onnx, inputs.json and expected.json',
      '(the float64 reference outputs) beside it. Run it in this folder:',
      `  ${installCommand(ort.package, args.meta, backend)}`,
      `Session: ${ort.settings}, as tensorsmith ran it.`,
      'Exit code 1 while the bug is there (an output out of tolerance, a NaN/Inf mismatch, or an',
      'error), 0 once every output agrees with expected.json.',
    ]);
    return ['#!/usr/bin/env node', ...lines, '', ortScriptBody(ort, outputs, args.meta.verdict)].join('\n');
  }
  const pkg = args.meta.backends?.find((b) => b.name === backend)?.package;
  const lines = header(args, [
    args.meta.setup
      ? 'A state bug: the test fails only after the test in setup/ ran in the same SUT process, and tensorsmith repro runs that first.'
      : `No standalone script: ${noStandaloneReason(backend, pkg)}.`,
    'This one replays the case with tensorsmith (installed where npx finds it), which exits 1 while',
    'the bug is there and 0 once it is gone; extra arguments go to tensorsmith repro:',
    '  node repro.mjs [--backend-module PATH]',
  ]);
  return [
    '#!/usr/bin/env node',
    ...lines,
    '',
    "import { spawnSync } from 'node:child_process';",
    "import { fileURLToPath } from 'node:url';",
    '',
    "const folder = fileURLToPath(new URL('.', import.meta.url));",
    "const run = spawnSync('npx', ['tensorsmith', 'repro', folder, ...process.argv.slice(2)], { stdio: 'inherit', shell: process.platform === 'win32' });",
    'if (run.error) {',
    '  console.error(`could not run npx tensorsmith: ${run.error.message}`);',
    '  process.exit(2);',
    '}',
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
