import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ortKnownDeviation } from '../onnxruntime-deviations.js';
import { ORT_FAMILY, ORT_WEB_SESSION_OPTIONS } from '../onnxruntime-options.js';
import { tfjsKnownDeviation } from '../tfjs/deviations.js';
import { tfjsKernelOf, tfjsSupports, tfjsUnsupportedNode } from '../tfjs/support.js';
import { WGSL_PRECISION } from '../wgsl-precision.js';
import { SMOKE_MODEL } from '../availability.js';
import { modelToOnnx } from '../../export/to-onnx.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { bytesToBase64 } from './page/wire.js';
import type { BrowserSutSpec } from './browser-sut.js';
import type { BrowserSutName } from './names.js';
import type { ServedFolder } from './loopback-server.js';
import { ortWebGpuKnownDeviation } from './ort-webgpu-deviations.js';
import type { OrtPageConfig } from './page/ort-harness.js';
import type { TfjsPageConfig } from './page/tfjs-harness.js';

export { BROWSER_SUTS, type BrowserSutName } from './names.js';

const require = createRequire(import.meta.url);

/**
 * tensorsmith's own modules, which the page harnesses import: dist/ when built; src/ under a
 * TypeScript loader (tests), each module then transpiled when the page asks for it.
 */
const OWN_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function transpileTypeScript(source: string, file: string): string {
  // A dev dependency: only tensorsmith's own tests run from source.
  const ts = require('typescript') as typeof import('typescript');
  return ts.transpileModule(source, { fileName: file, compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
}

const OWN: ServedFolder = { prefix: '/tensorsmith/', dir: OWN_ROOT, ...(FROM_SOURCE ? { transpile: transpileTypeScript } : {}) };

function packageDist(pkg: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'dist');
}

/** onnxruntime-web's package.json is not exported: its dist/ is where its main module is. */
function ortWebDist(): string {
  return dirname(require.resolve('onnxruntime-web'));
}

/** A page whose module installs a harness as window.tensorsmith; tensorsmithReady says when, or why not. */
function harnessPage(title: string, scripts: readonly string[], module: string, install: string, config: OrtPageConfig | TfjsPageConfig): string {
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    `<title>tensorsmith ${title}</title>`,
    ...scripts.map((src) => `<script src="${src}"></script>`),
    '<script type="module">',
    `import { ${install} } from '/tensorsmith/backends/browser/page/${module}';`,
    `window.tensorsmithReady = ${install}(${JSON.stringify(config)}).then(({ harness, info }) => {`,
    '  window.tensorsmith = harness;',
    '  return info;',
    '});',
    '</script>',
    '',
  ].join('\n');
}

/** onnxruntime-web in the page with one execution provider, its session options otherwise as ort-web-wasm's. */
function ortSpec(name: BrowserSutName, provider: 'webgpu' | 'wasm'): BrowserSutSpec {
  const bundle = provider === 'webgpu' ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs';
  const config: OrtPageConfig = {
    moduleUrl: `/vendor/onnxruntime-web/${bundle}`,
    wasmPaths: '/vendor/onnxruntime-web/',
    sessionOptions: { ...ORT_WEB_SESSION_OPTIONS, executionProviders: [provider] },
    ...(provider === 'webgpu' ? { keeperOnnxBase64: bytesToBase64(modelToOnnx(SMOKE_MODEL, builtinRegistry())) } : {}),
  };
  return {
    name,
    // The WebGPU provider's kernels are its own (WGSL); the wasm provider runs the C++ kernels
    // onnxruntime-node and ort-web-wasm run.
    family: provider === 'webgpu' ? 'onnxruntime-webgpu' : ORT_FAMILY,
    // It also runs onnxruntime's graph optimizer, and the CPU kernels of ops the provider lacks.
    ...(provider === 'webgpu' ? { sharesCodeWith: [ORT_FAMILY] } : {}),
    package: 'onnxruntime-web',
    pageHtml: harnessPage(name, [], 'ort-harness.js', 'installOrtHarness', config),
    folders: [OWN, { prefix: '/vendor/onnxruntime-web/', dir: ortWebDist() }],
    sends: 'onnx',
    // Kernels the WebGPU provider lacks run on its CPU (wasm) fallback: every op runs somewhere.
    supports: () => true,
    knownDeviation: provider === 'webgpu' ? ortWebGpuKnownDeviation : (model) => ortKnownDeviation(model),
    ...(provider === 'webgpu' ? { precision: WGSL_PRECISION } : {}),
    reportsRewrites: false,
  };
}

/** TensorFlow.js's browser build with its WebGPU backend, running tensorsmith's materializer in the page. */
function tfjsWebGpuSpec(): BrowserSutSpec {
  const config: TfjsPageConfig = { backend: 'webgpu' };
  return {
    name: 'chrome-tfjs-webgpu',
    // The same code as tfjs-webgpu in Node: one family, so one bug seen in both is listed once.
    family: 'tfjs-webgpu',
    package: '@tensorflow/tfjs',
    pageHtml: harnessPage('chrome-tfjs-webgpu', ['/vendor/tfjs/tf.min.js', '/vendor/tfjs-backend-webgpu/tf-backend-webgpu.min.js'], 'tfjs-harness.js', 'installTfjsHarness', config),
    folders: [
      OWN,
      { prefix: '/vendor/tfjs/', dir: packageDist('@tensorflow/tfjs') },
      { prefix: '/vendor/tfjs-backend-webgpu/', dir: packageDist('@tensorflow/tfjs-backend-webgpu') },
    ],
    sends: 'model',
    supports: tfjsSupports,
    kernelOf: tfjsKernelOf,
    knownDeviation: (model) => tfjsUnsupportedNode(model) ?? tfjsKnownDeviation('webgpu', model),
    precision: WGSL_PRECISION,
    reportsRewrites: true,
  };
}

export function browserSutSpec(name: BrowserSutName): BrowserSutSpec {
  switch (name) {
    case 'chrome-ort-webgpu':
      return ortSpec(name, 'webgpu');
    case 'chrome-ort-wasm':
      return ortSpec(name, 'wasm');
    case 'chrome-tfjs-webgpu':
      return tfjsWebGpuSpec();
  }
}
