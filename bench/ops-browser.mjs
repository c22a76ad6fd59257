// The deep per-op sweep of a browser SUT against the reference: for every registered op spec and
// dtype, N random single-op instances (the draw of test/opspec/ops-vs-onnxruntime.test.ts), judged
// by the campaign's oracle in one page. Prints per op x dtype the instances judged, ok, not judged
// (a known deviation or a capability gap, with the reason), and every failure with its verdict,
// attributes, shapes and message; with --compare, each failing instance also runs on ort-disabled
// (onnxruntime-node) and chrome-ort-wasm, so that a failure of the WebGPU provider alone stands out
// from onnxruntime's shared code.
// test/opspec/ops-vs-chrome-ort-webgpu.test.ts is the short version the suite runs.
// The default sweep (~3000 instances, a third of them float64, which the provider turns down at
// once) takes about a minute on 2 cores, 12 instances about two; each failure adds a fresh page
// (3.5 s), so run-all.mjs runs it as it is.
//   --instances N  instances per op x dtype (default 6)
//   --first K      the first instance's index (default 0): a later range draws other instances
//   --sut NAME     the browser SUT (default chrome-ort-webgpu)
//   --ops a,b      only these ops (default all)
//   --dtypes a,b   only these dtypes (default all)
//   --compare      run failing instances on ort-disabled and chrome-ort-wasm too
//   --json         print [{op, since, dtype, judged, ok, explained, reasons, failures: [...]}] instead
//   --chromium P   the Chromium executable (default: found on PATH)
// Runs the built dist/ (npm run build first). Exit 2 without Chromium.
import { builtinBackends } from '../dist/backends/registry.js';
import { findChromium } from '../dist/backends/browser/chromium.js';
import { modelToOnnx } from '../dist/export/to-onnx.js';
import { Rng } from '../dist/generator/rng.js';
import { drawInput, singleOpModel } from '../dist/generator/single-op.js';
import { firstUntrustedValue } from '../dist/inputsearch/clean.js';
import { builtinRegistry } from '../dist/opspec/ops/index.js';
import { evaluateOnBackend } from '../dist/oracles/evaluate.js';
import { runReference } from '../dist/reference-runtime/executor.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const list = (name) => option(name, undefined)?.split(',');
const INSTANCES = Number(option('--instances', '6'));
const FIRST = Number(option('--first', '0'));
const SUT = option('--sut', 'chrome-ort-webgpu');
const OPS = list('--ops');
const DTYPES = list('--dtypes');
const COMPARE = args.includes('--compare');
const JSON_OUT = args.includes('--json');
const chromium = option('--chromium', undefined);

try {
  findChromium(chromium !== undefined ? { executable: chromium } : {});
} catch (e) {
  console.error(`bench/ops-browser.mjs: ${e.message}`);
  process.exit(2);
}

const registry = builtinRegistry();
const backends = builtinBackends(chromium !== undefined ? { chromium } : {});
const limits = { timeoutMs: 60_000, memoryLimitMb: 8192 };
const sut = backends.createIsolated(SUT, limits);
// Created on the first failure only: --compare without failures starts no second browser.
const others = new Map();
const other = (name) => {
  if (!others.has(name)) others.set(name, name.startsWith('chrome-') ? backends.createIsolated(name, limits) : backends.create(name));
  return others.get(name);
};

/** A single-op instance with inputs on which the reference computes trusted values (the per-op test's draw), or undefined. */
async function instance(spec, dtype, index) {
  const rng = new Rng(`ops-browser/${spec.name}-${spec.sinceVersion}/${dtype}/${index}`);
  const model = await singleOpModel(registry, spec, dtype, rng);
  if (!model) return undefined;
  const inputRng = rng.fork('inputs');
  for (const range of [2, 1, 0.5]) {
    const inputs = new Map(model.inputs.map((i) => [i.name, drawInput(registry, model, i, inputRng, range)]));
    const reference = runReference(model, inputs);
    if (!firstUntrustedValue(model, reference, registry)) return { model, inputs, expected: reference.outputs };
  }
  return undefined;
}

const rows = [];
const t0 = performance.now();
try {
  for (const spec of registry.all()) {
    if (OPS && !OPS.includes(spec.name)) continue;
    for (const dtype of spec.dtypes) {
      if (DTYPES && !DTYPES.includes(dtype)) continue;
      const row = { op: spec.name, since: spec.sinceVersion, dtype, judged: 0, ok: 0, explained: 0, reasons: {}, failures: [] };
      for (let index = FIRST; index < FIRST + INSTANCES; index++) {
        const drawn = await instance(spec, dtype, index);
        if (!drawn) continue;
        const artifact = { model: drawn.model, onnx: modelToOnnx(drawn.model, registry) };
        const { verdict } = await evaluateOnBackend(sut, artifact, drawn.inputs, drawn.expected);
        if (verdict.kind === 'unsupported') {
          row.explained++;
          row.reasons[verdict.reason] = (row.reasons[verdict.reason] ?? 0) + 1;
          continue;
        }
        row.judged++;
        if (verdict.kind === 'ok') {
          row.ok++;
          continue;
        }
        const node = drawn.model.nodes[0];
        const failure = { index, kind: verdict.kind, attrs: node.attrs, shapes: drawn.model.inputs.map((i) => i.shape), message: verdict.message ?? '' };
        if (COMPARE) {
          failure.elsewhere = {};
          for (const name of ['ort-disabled', 'chrome-ort-wasm']) failure.elsewhere[name] = (await evaluateOnBackend(other(name), artifact, drawn.inputs, drawn.expected)).verdict.kind;
        }
        row.failures.push(failure);
        // A campaign tests on in a fresh page after a failure; so does the sweep, so that a broken
        // device or a poisoned session cannot fail the instances after it.
        sut.restart();
      }
      rows.push(row);
      if (!JSON_OUT) printRow(row);
    }
  }
} finally {
  sut.close();
  for (const o of others.values()) o.close?.();
}

function printRow(r) {
  const mark = r.failures.length ? '!!' : '  ';
  console.log(`${mark} ${`${r.op}-${r.since}`.padEnd(26)} ${r.dtype.padEnd(8)} judged ${r.judged}, ok ${r.ok}, not judged ${r.explained}`);
  for (const [reason, n] of Object.entries(r.reasons)) console.log(`     ${n}x ${reason.slice(0, 200)}`);
  for (const f of r.failures) {
    const elsewhere = f.elsewhere ? ` [${Object.entries(f.elsewhere).map(([k, v]) => `${k}: ${v}`).join(', ')}]` : '';
    console.log(`     #${f.index} ${f.kind}${elsewhere} attrs ${JSON.stringify(f.attrs)} shapes ${JSON.stringify(f.shapes)}`);
    console.log(`        ${f.message.slice(0, 400)}`);
  }
}

if (JSON_OUT) console.log(JSON.stringify(rows, null, 2));
else {
  const sum = (key) => rows.reduce((a, r) => a + (typeof r[key] === 'number' ? r[key] : r[key].length), 0);
  const failing = rows.filter((r) => r.failures.length).map((r) => `${r.op}-${r.since} ${r.dtype} (${r.failures.length})`);
  console.log(`${SUT}: ${rows.length} op x dtype pairs, ${INSTANCES} instance(s) each, in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`  judged ${sum('judged')}, ok ${sum('ok')}, not judged ${sum('explained')}, failures ${sum('failures')}`);
  if (failing.length) console.log(`  failing: ${failing.join(', ')}`);
}
process.exit(rows.some((r) => r.failures.length) ? 1 : 0);
