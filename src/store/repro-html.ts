import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineModuleMap, INLINE_PREFIX } from '../backends/browser/inline-modules.js';
import { isBrowserSut } from '../backends/browser/names.js';
import { HARNESSES, installedVersion, ortPageConfig, pageSutOf, tfjsPageConfig, type PageSut } from '../backends/browser/page-suts.js';
import { bytesToBase64, encodeModel, encodeTensor } from '../backends/browser/page/wire.js';
import { isFloatDType } from '../ir/dtype.js';
import { outputInfos, type Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { toleranceDtypes } from '../oracles/precision.js';
import type { CaseMeta } from './case-meta.js';
import type { ReproPageCase, ReproTest } from './repro-page.js';
import { scriptLiteral } from './repro-script-ort.js';
import { scriptCase } from './repro-script.js';

/** The in-page module that runs and judges the case (src/store/repro-page.ts). */
const REPRO_PAGE_MODULE = 'store/repro-page.js';

/** A test of the case: the model, its ONNX bytes and its inputs. */
export interface ReproHtmlTest {
  readonly model: Model;
  readonly onnx: Uint8Array;
  readonly inputs: ReadonlyMap<string, Tensor>;
}

export interface ReproHtmlArgs extends ReproHtmlTest {
  readonly meta: CaseMeta;
  /** The reference outputs (expected.json). */
  readonly expected: ReadonlyMap<string, Tensor>;
  /** A state bug's setup test. */
  readonly setup?: ReproHtmlTest;
}

/** Where a person's browser loads a package from: jsDelivr's copy of its npm dist/ folder, at the version tensorsmith ran. */
export function cdnDistUrl(pkg: string): string {
  const version = installedVersion(pkg);
  // Only a plain semver enters the page (and its leading comment, where '--' would end it).
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$/.test(version)) throw new Error(`the installed ${pkg} has version '${version}', which is no plain semver`);
  return `https://cdn.jsdelivr.net/npm/${pkg}@${version}/dist/`;
}

/**
 * A value as JavaScript inside an inline <script>: scriptLiteral with '<' escaped as well, so that
 * no recorded string (a node name holding '</script>') can end the script element.
 */
function inlineLiteral(value: unknown, indent?: number): string {
  return scriptLiteral(value, indent).replace(/</g, '\\u003c');
}

function reproTest(sut: PageSut, test: ReproHtmlTest): ReproTest {
  return {
    prepare: sut.kind === 'ort' ? { onnxBase64: bytesToBase64(test.onnx) } : { model: encodeModel(test.model) },
    inputs: [...test.inputs].map(([name, t]) => encodeTensor(name, t)),
  };
}

function pageCase(sut: PageSut, args: ReproHtmlArgs): ReproPageCase {
  const tolDtypes = toleranceDtypes(args.model);
  return {
    recorded: scriptCase(args.meta, args.model),
    test: reproTest(sut, args),
    expected: [...args.expected].map(([name, t]) => encodeTensor(name, t)),
    outputs: outputInfos(args.model).map((o) => ({ ...o, toleranceDtype: (isFloatDType(o.dtype) ? tolDtypes.get(o.name) : undefined) ?? o.dtype })),
    ...(args.setup ? { setup: reproTest(sut, args.setup) } : {}),
  };
}

/** What the page loads, for its leading comment and its <script> tags. */
function libraries(sut: PageSut): { comment: string; scripts: string[]; config: unknown; harness: (typeof HARNESSES)[keyof typeof HARNESSES] } {
  if (sut.kind === 'ort') {
    const dist = cdnDistUrl(sut.package);
    const options = `executionProviders ['${sut.provider}'], graphOptimizationLevel 'all', env.wasm.numThreads = 1`;
    return {
      comment: `onnxruntime-web ${installedVersion(sut.package)} (${dist}${sut.bundle}), session options as the campaign's: ${options}.`,
      scripts: [],
      config: ortPageConfig(sut, dist),
      harness: HARNESSES.ort,
    };
  }
  const urls = sut.scripts.map((s) => `${cdnDistUrl(s.package)}${s.file}`);
  return {
    comment: `${sut.scripts.map((s) => `${s.package} ${installedVersion(s.package)}`).join(' and ')} (${urls.join(', ')}), backend '${sut.backend}', running tensorsmith's own IR-to-tfjs materializer (inlined below).`,
    scripts: urls,
    config: tfjsPageConfig(sut),
    harness: HARNESSES.tfjs,
  };
}

/**
 * The text of repro.html for a browser SUT's case folder: a page a person opens in their own Chrome
 * to see the bug in the devtools console. It loads the SUT as the campaign's page did (the same
 * harness module and configuration, the library from a CDN at the version tensorsmith ran), runs
 * the case's model on its inputs (all inline: a file:// page can read nothing beside it) and judges
 * every output against the reference outputs with tensorsmith's oracle, inlined with the harness.
 */
export function reproHtml(args: ReproHtmlArgs): string {
  const backend = args.meta.verdict.backend;
  if (!isBrowserSut(backend)) throw new Error(`repro.html is for browser SUTs, not ${backend}`);
  const sut = pageSutOf(backend);
  const lib = libraries(sut);
  const webgpu = sut.kind === 'tfjs' || sut.provider === 'webgpu';
  return [
    '<!doctype html>',
    '<!--',
    '  A tensorsmith bug case, replayed in your own browser. It loads the SUT as tensorsmith did:',
    `  ${lib.comment}`,
    "  tensorsmith's page harness and oracle are inlined below (an import map of data: URLs, the modules",
    '  of the tensorsmith that wrote this case, CASE.recorded.toolVersion); the model, its inputs and the',
    '  reference outputs (expected.json) are inlined in CASE.',
    '  Open this file in Chrome (it needs the network for the library) and look at the devtools console:',
    '  each output is logged with its expected and actual values and its largest errors, then PASS or',
    '  MISMATCH at the tolerance tensorsmith judged it at; the last line (also on the page) sums up.',
    ...(webgpu
      ? [
          '  The SUT needs WebGPU: where Chrome offers none, start it with --enable-unsafe-webgpu.',
          "  This page judges at the oracle's tolerance alone; tensorsmith also excuses a difference within",
          "  WGSL's accuracy bounds for its builtins, which takes its reference runtime.",
        ]
      : []),
    '  The automated way, in the headless Chromium tensorsmith drives: tensorsmith repro DIR.',
    '-->',
    '<meta charset="utf-8">',
    '<title>tensorsmith repro</title>',
    '<pre id="summary"></pre>',
    `<script type="importmap">${inlineLiteral(inlineModuleMap([lib.harness.module, REPRO_PAGE_MODULE]))}</script>`,
    ...lib.scripts.map((src) => `<script src="${src}"></script>`),
    '<script type="module">',
    `import { ${lib.harness.install} } from '${INLINE_PREFIX}${lib.harness.module}';`,
    `import { runReproPage } from '${INLINE_PREFIX}${REPRO_PAGE_MODULE}';`,
    `const CONFIG = ${inlineLiteral(lib.config)};`,
    `const CASE = ${inlineLiteral(pageCase(sut, args), 2)};`,
    `window.tensorsmithRepro = runReproPage(() => ${lib.harness.install}(CONFIG), CASE);`,
    '</script>',
    '',
  ].join('\n');
}

/** Writes DIR/repro.html when the case's SUT is a browser SUT. */
export function writeReproHtml(dir: string, args: ReproHtmlArgs): void {
  if (!isBrowserSut(args.meta.verdict.backend)) return;
  writeFileSync(join(dir, 'repro.html'), reproHtml(args));
}
