import { ortKnownBug, ortKnownDeviation } from '../onnxruntime-deviations.js';
import { ortRewriteKnownBug } from '../onnxruntime-rewrite-bugs.js';
import { ORT_FAMILY, ORT_WEB_SESSION_OPTIONS } from '../onnxruntime-options.js';
import { tfjsKnownBug, tfjsKnownDeviation } from '../tfjs/deviations.js';
import { tfjsKernelOf, tfjsSupports, tfjsUnsupportedNode } from '../tfjs/support.js';
import { WGSL_PRECISION } from '../wgsl-precision.js';
import { SMOKE_MODEL } from '../availability.js';
import { modelToOnnx } from '../../export/to-onnx.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { bytesToBase64 } from './page/wire.js';
import type { BrowserSutSpec } from './browser-sut.js';
import type { BrowserSutName } from './names.js';
import { OWN_MODULES } from './own-modules.js';
import { HARNESSES, ortPageConfig, packageDist, pageSutOf, tfjsPageConfig, type PageSut } from './page-suts.js';
import { ortWebGpuKnownBug, ortWebGpuKnownDeviation } from './ort-webgpu-deviations.js';
import type { OrtPageConfig } from './page/ort-harness.js';
import type { TfjsPageConfig } from './page/tfjs-harness.js';

export { BROWSER_SUTS, type BrowserSutName } from './names.js';

/** A page whose module installs a harness as window.tensorsmith; tensorsmithReady says when, or why not. */
function harnessPage(title: string, scripts: readonly string[], harness: (typeof HARNESSES)[keyof typeof HARNESSES], config: OrtPageConfig | TfjsPageConfig): string {
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    `<title>tensorsmith ${title}</title>`,
    ...scripts.map((src) => `<script src="${src}"></script>`),
    '<script type="module">',
    `import { ${harness.install} } from '${OWN_MODULES.prefix}${harness.module}';`,
    `window.tensorsmithReady = ${harness.install}(${JSON.stringify(config)}).then(({ harness, info }) => {`,
    '  window.tensorsmith = harness;',
    '  return info;',
    '});',
    '</script>',
    '',
  ].join('\n');
}

/** onnxruntime-web in the page with one execution provider, its session options otherwise as ort-web-wasm's. */
function ortSpec(name: BrowserSutName, sut: Extract<PageSut, { kind: 'ort' }>): BrowserSutSpec {
  const provider = sut.provider;
  const keeper = provider === 'webgpu' ? bytesToBase64(modelToOnnx(SMOKE_MODEL, builtinRegistry())) : undefined;
  const config = ortPageConfig(sut, '/vendor/onnxruntime-web/', keeper);
  return {
    name,
    // The WebGPU provider's kernels are its own (WGSL); the wasm provider runs the C++ kernels
    // onnxruntime-node and ort-web-wasm run.
    family: provider === 'webgpu' ? 'onnxruntime-webgpu' : ORT_FAMILY,
    // It also runs onnxruntime's graph optimizer, and the CPU kernels of ops the provider lacks.
    ...(provider === 'webgpu' ? { sharesCodeWith: [ORT_FAMILY] } : {}),
    package: 'onnxruntime-web',
    pageHtml: harnessPage(name, [], HARNESSES.ort, config),
    folders: [OWN_MODULES, { prefix: '/vendor/onnxruntime-web/', dir: packageDist(sut.package) }],
    sends: 'onnx',
    // Kernels the WebGPU provider lacks run on its CPU (wasm) fallback: every op runs somewhere.
    supports: () => true,
    knownDeviation: provider === 'webgpu' ? ortWebGpuKnownDeviation : (model) => ortKnownDeviation(model),
    // The page's sessions run every optimization (ORT_WEB_SESSION_OPTIONS), and so the rewrites' bugs.
    knownBug: (model) => (provider === 'webgpu' ? ortWebGpuKnownBug(model) : ortKnownBug(model)) ?? ortRewriteKnownBug(model, ORT_WEB_SESSION_OPTIONS.graphOptimizationLevel),
    ...(provider === 'webgpu' ? { precision: WGSL_PRECISION } : {}),
    reportsRewrites: false,
  };
}

/** TensorFlow.js's browser build with its WebGPU backend, running tensorsmith's materializer in the page. */
function tfjsWebGpuSpec(sut: Extract<PageSut, { kind: 'tfjs' }>): BrowserSutSpec {
  const vendor = (pkg: string) => `/vendor/${pkg}/`;
  return {
    name: 'chrome-tfjs-webgpu',
    // The same code as tfjs-webgpu in Node: one family, so one bug seen in both is listed once.
    family: 'tfjs-webgpu',
    package: '@tensorflow/tfjs',
    pageHtml: harnessPage(
      'chrome-tfjs-webgpu',
      sut.scripts.map((s) => `${vendor(s.package)}${s.file}`),
      HARNESSES.tfjs,
      tfjsPageConfig(sut),
    ),
    folders: [OWN_MODULES, ...sut.scripts.map((s) => ({ prefix: vendor(s.package), dir: packageDist(s.package) }))],
    sends: 'model',
    supports: tfjsSupports,
    kernelOf: tfjsKernelOf,
    knownDeviation: (model) => tfjsUnsupportedNode(model) ?? tfjsKnownDeviation('webgpu', model, 'browser'),
    knownBug: (model) => tfjsKnownBug('webgpu', model, 'browser'),
    precision: WGSL_PRECISION,
    reportsRewrites: true,
  };
}

export function browserSutSpec(name: BrowserSutName): BrowserSutSpec {
  const sut = pageSutOf(name);
  return sut.kind === 'ort' ? ortSpec(name, sut) : tfjsWebGpuSpec(sut);
}
