import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ORT_WEB_SESSION_OPTIONS } from '../onnxruntime-options.js';
import type { BrowserSutName } from './names.js';
import type { OrtPageConfig } from './page/ort-harness.js';
import type { TfjsPageConfig } from './page/tfjs-harness.js';

const require = createRequire(import.meta.url);

/**
 * What the page of each browser SUT loads and how it configures it: the one description both the
 * campaign's pages (libraries served from node_modules) and a case's repro.html (from a CDN) are
 * built from, so that a repro runs the SUT as the campaign did.
 */
export type PageSut =
  | { readonly kind: 'ort'; readonly package: 'onnxruntime-web'; readonly provider: 'webgpu' | 'wasm'; readonly bundle: string }
  | { readonly kind: 'tfjs'; readonly backend: 'webgpu'; readonly scripts: readonly PageScript[] };

/** A classic <script> of a package's dist/ folder. */
export interface PageScript {
  readonly package: string;
  readonly file: string;
}

/** The harness module under dist/ and the function of it that installs window.tensorsmith. */
export const HARNESSES = {
  ort: { module: 'backends/browser/page/ort-harness.js', install: 'installOrtHarness' },
  tfjs: { module: 'backends/browser/page/tfjs-harness.js', install: 'installTfjsHarness' },
} as const;

export function pageSutOf(name: BrowserSutName): PageSut {
  switch (name) {
    case 'chrome-ort-webgpu':
      return { kind: 'ort', package: 'onnxruntime-web', provider: 'webgpu', bundle: 'ort.webgpu.min.mjs' };
    case 'chrome-ort-wasm':
      return { kind: 'ort', package: 'onnxruntime-web', provider: 'wasm', bundle: 'ort.wasm.min.mjs' };
    case 'chrome-tfjs-webgpu':
      return {
        kind: 'tfjs',
        backend: 'webgpu',
        scripts: [
          { package: '@tensorflow/tfjs', file: 'tf.min.js' },
          { package: '@tensorflow/tfjs-backend-webgpu', file: 'tf-backend-webgpu.min.js' },
        ],
      };
  }
}

/** onnxruntime-web's page config: its bundle and .wasm files under distUrl, its session options otherwise as ort-web-wasm's. */
export function ortPageConfig(sut: Extract<PageSut, { kind: 'ort' }>, distUrl: string, keeperOnnxBase64?: string): OrtPageConfig {
  return {
    moduleUrl: `${distUrl}${sut.bundle}`,
    wasmPaths: distUrl,
    sessionOptions: { ...ORT_WEB_SESSION_OPTIONS, executionProviders: [sut.provider] },
    ...(keeperOnnxBase64 !== undefined ? { keeperOnnxBase64 } : {}),
  };
}

export function tfjsPageConfig(sut: Extract<PageSut, { kind: 'tfjs' }>): TfjsPageConfig {
  return { backend: sut.backend };
}

/** A package's dist/ folder in node_modules. onnxruntime-web's package.json is not exported: its dist/ is where its main module is. */
export function packageDist(pkg: string): string {
  return pkg === 'onnxruntime-web' ? dirname(require.resolve(pkg)) : join(dirname(require.resolve(`${pkg}/package.json`)), 'dist');
}

/** The installed version of a package whose dist/ the pages load. */
export function installedVersion(pkg: string): string {
  const manifest: unknown = JSON.parse(readFileSync(join(packageDist(pkg), '..', 'package.json'), 'utf8'));
  const version = manifest !== null && typeof manifest === 'object' && 'version' in manifest ? manifest.version : undefined;
  if (typeof version !== 'string') throw new Error(`the installed ${pkg} has no version in its package.json`);
  return version;
}
