import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HTTPRequest, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumProcess, findChromium } from '../../src/backends/browser/chromium.js';
import { LoopbackServer } from '../../src/backends/browser/loopback-server.js';
import { installedVersion, packageDist } from '../../src/backends/browser/page-suts.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { bugSignature } from '../../src/oracles/signature.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { writeCaseFolder, type BugCase } from '../../src/store/case-folder.js';
import type { CaseMeta } from '../../src/store/case-meta.js';
import { smallModel, tempDir } from '../helpers.js';
import { browserSkipReason } from '../support/browser-availability.js';

const skip = browserSkipReason();
if (skip) console.log(`repro.html browser tests skipped: ${skip}`);

const registry = builtinRegistry();
const model = smallModel();
const inputs = new Map([['x', makeTensor('float32', [2, 3], [1, -2, 3, -4, 5, 6])], ['y', makeTensor('float32', [2], [0.5, -0.5])]]);
const reference = runReference(model, inputs).outputs;

/** The reference outputs, or with one element moved far out of tolerance: what a SUT computes, then, disagrees. */
function expectedOutputs(wrong: boolean): Map<string, Tensor> {
  if (!wrong) return reference;
  const out = reference.get('out')!;
  const data = Float64Array.from(out.data);
  data[1]! += 10;
  return new Map([['out', makeTensor(out.dtype, out.shape, data)]]);
}

function bugCase(backend: string, pkg: string, test: { model: Model; expected: Map<string, Tensor> }): BugCase {
  const verdict: Verdict = { kind: 'wrong-result', backend, message: "output 'out'[0, 1] is off" };
  const meta: CaseMeta = {
    format: 'tensorsmith.case/1',
    seed: 's',
    testIndex: 0,
    toolVersion: '0.1.0',
    backends: [{ name: backend, package: pkg, version: installedVersion(pkg) }],
    config: { backends: [backend] },
    verdict,
    signature: bugSignature(verdict, test.model),
    timings: {},
    createdAt: '2024-01-01T00:00:00.000Z',
  };
  return { model: test.model, onnx: modelToOnnx(test.model, registry), inputs, expected: test.expected, actual: reference, meta };
}

/** A case folder of BACKEND whose expected.json holds the reference outputs, or wrong ones. */
function caseFolder(backend: string, pkg: string, wrong: boolean): string {
  const dir = join(tempDir('tensorsmith-repro-html-'), 'case');
  writeCaseFolder(dir, bugCase(backend, pkg, { model, expected: expectedOutputs(wrong) }));
  return dir;
}

describe('repro.html is written for browser SUTs only', () => {
  it('a browser SUT case has one, in reduced/ too; an onnxruntime-node case has none', () => {
    const dir = join(tempDir('tensorsmith-repro-html-'), 'case');
    writeCaseFolder(dir, { ...bugCase('chrome-ort-wasm', 'onnxruntime-web', { model, expected: reference }), reduced: bugCase('chrome-ort-wasm', 'onnxruntime-web', { model, expected: reference }) });
    const html = readFileSync(join(dir, 'repro.html'), 'utf8');
    expect(html).toContain(`https://cdn.jsdelivr.net/npm/onnxruntime-web@${installedVersion('onnxruntime-web')}/dist/ort.wasm.min.mjs`);
    expect(html).toContain('tensorsmith repro DIR');
    expect(existsSync(join(dir, 'reduced', 'repro.html'))).toBe(true);
    const ortNode = caseFolder('ort-all', 'onnxruntime-node', false);
    expect(existsSync(join(ortNode, 'repro.html'))).toBe(false);
  });

  it('no recorded string can end its inline script', () => {
    const named: Model = { ...model, nodes: model.nodes.map((n, i) => (i === 0 ? { ...n, name: '</script><script>alert(1)</script>' } : n)) };
    const dir = join(tempDir('tensorsmith-repro-html-'), 'case');
    writeCaseFolder(dir, bugCase('chrome-tfjs-webgpu', '@tensorflow/tfjs', { model: named, expected: reference }));
    const html = readFileSync(join(dir, 'repro.html'), 'utf8');
    expect(html.match(/<\/script>/g)).toHaveLength(html.match(/<script[ >]/g)!.length);
  });
});

const CDN = 'https://cdn.jsdelivr.net/npm/';
const TYPES: Record<string, string> = { mjs: 'text/javascript', js: 'text/javascript', wasm: 'application/wasm' };

/**
 * Answers the page's CDN requests with the installed packages' dist/ files (this machine reaches no
 * CDN), but only at the version installed: a page that asked for another would fail here. Anything
 * else off the loopback server is refused.
 */
function answerFromNodeModules(request: HTTPRequest): void {
  const url = request.url();
  if (url.startsWith('data:') || url.startsWith('http://127.0.0.1:')) return void request.continue();
  const match = /^((?:@[^/]+\/)?[^/@]+)@([^/]+)\/dist\/([^?#]+)$/.exec(url.startsWith(CDN) ? url.slice(CDN.length) : '');
  if (!match || match[2] !== installedVersion(match[1]!)) return void request.respond({ status: 404, body: `not mapped: ${url}` });
  const file = join(packageDist(match[1]!), match[3]!);
  if (!existsSync(file)) return void request.respond({ status: 404, body: `no ${file}` });
  void request.respond({
    status: 200,
    contentType: TYPES[file.split('.').pop()!] ?? 'application/octet-stream',
    headers: { 'access-control-allow-origin': '*' },
    body: readFileSync(file),
  });
}

interface PageRun {
  readonly outcome: string;
  readonly console: readonly { type: string; text: string }[];
  readonly body: string;
}

describe.skipIf(skip !== undefined)('repro.html in Chromium', () => {
  let chromium: ChromiumProcess;
  beforeAll(async () => {
    chromium = await ChromiumProcess.launch(findChromium());
  }, 30_000);
  afterAll(() => chromium?.kill());

  /** Opens DIR/repro.html from a loopback server, CDN requests answered from node_modules. */
  async function openRepro(dir: string): Promise<PageRun> {
    const server = await LoopbackServer.start(new Map(), [{ prefix: '/case/', dir }]);
    let page: Page | undefined;
    try {
      page = await chromium.browser.newPage();
      const messages: { type: string; text: string }[] = [];
      page.on('console', (m) => messages.push({ type: m.type(), text: m.text() }));
      await page.setRequestInterception(true);
      page.on('request', answerFromNodeModules);
      await page.goto(`${server.origin}/case/repro.html`);
      await page.waitForFunction(() => 'tensorsmithRepro' in window, { timeout: 20_000 });
      const outcome = await page.evaluate(() => (window as { tensorsmithRepro?: Promise<string> }).tensorsmithRepro);
      return { outcome: String(outcome), console: messages, body: await page.evaluate(() => document.body.innerText) };
    } finally {
      await page?.close();
      server.close();
    }
  }

  const suts = [
    ['chrome-ort-wasm', 'onnxruntime-web'],
    ['chrome-tfjs-webgpu', '@tensorflow/tfjs'],
  ] as const;
  for (const [backend, pkg] of suts) {
    it(`${backend}: MISMATCH while the recorded reference outputs disagree with the SUT, PASS when they agree`, async () => {
      const mismatch = await openRepro(caseFolder(backend, pkg, true));
      expect(mismatch.outcome, JSON.stringify(mismatch.console)).toBe('MISMATCH');
      expect(mismatch.console).toContainEqual({ type: 'error', text: expect.stringMatching(/^MISMATCH output 'out' \[2, 2\] float32: wrong-result: output 'out'\[0, 1\]/) });
      expect(mismatch.console).toContainEqual({ type: 'error', text: expect.stringMatching(/^tensorsmith repro: MISMATCH: 1 of 1 outputs disagree/) });
      expect(mismatch.console).toContainEqual({ type: 'log', text: expect.stringMatching(/max abs error 10(\.0*\d*)?, max rel error/) });
      expect(mismatch.body).toMatch(/tensorsmith repro: MISMATCH/);
      // The SUT the campaign ran: tfjs on a WebGPU adapter, onnxruntime-web's wasm provider.
      const device = backend === 'chrome-tfjs-webgpu' ? /^SUT here: version 4\.\S+ on WebGPU/ : /^SUT here: version 1\.\S+ on wasm, 1 thread/;
      expect(mismatch.console).toContainEqual({ type: 'log', text: expect.stringMatching(device) });

      const pass = await openRepro(caseFolder(backend, pkg, false));
      expect(pass.outcome, JSON.stringify(pass.console)).toBe('PASS');
      expect(pass.console).toContainEqual({ type: 'log', text: expect.stringMatching(/^PASS output 'out' \[2, 2\] float32: within tolerance/) });
      expect(pass.console.filter((m) => m.type === 'error')).toEqual([]);
      expect(pass.body).toMatch(/tensorsmith repro: PASS: every output agrees/);
    }, 60_000);
  }
});
