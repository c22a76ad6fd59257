// Calibrates the error-bound oracle: over a fixed range of default-settings tests, how far each
// local SUT's float outputs lie from the reference, in units of the element's error bound (see
// src/reference-runtime/bounds). Per SUT and per op family (of the node that computed the output),
// it prints the distribution of observed error / bound over the elements of tests the SUT passed,
// and how many tests each SUT failed on values, with the first failures (to triage: each must be a
// real bug, or the bounds are wrong). The oracle's SAFETY_FACTOR is chosen from it.
//   --tests N     test indices 0..N-1 (default 300)
//   --seed S      campaign seed (default error-bounds)
//   --backends    comma-separated SUTs (default: ort-disabled,ort-all,ort-web-wasm,tfjs-cpu,tfjs-wasm,tfjs-webgpu)
//   --json        print the rows as JSON instead
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const TESTS = Number(option('--tests', '300'));
const SEED = option('--seed', 'error-bounds');
const BACKENDS = option('--backends', 'ort-disabled,ort-all,ort-web-wasm,tfjs-cpu,tfjs-wasm,tfjs-webgpu').split(',');

const { makeTestCase } = await load('campaign/test-case.js');
const { builtinRegistry } = await load('opspec/ops/index.js');
const { builtinBackends } = await load('backends/registry.js');
const { evaluateOnBackend } = await load('oracles/evaluate.js');
const { testBounds } = await load('oracles/test-bounds.js');
const { SAFETY_FACTOR } = await load('oracles/compare.js');

/** Op families, by the op that computed a graph output. */
const FAMILIES = {
  arithmetic: ['Add', 'Sub', 'Mul', 'Div', 'PRelu', 'Sqrt', 'Reciprocal', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Softsign', 'Pow', 'Mod', 'Sum', 'Mean', 'Cast'],
  library: ['Exp', 'Log', 'Tanh', 'Sigmoid', 'Erf', 'Gelu', 'Softplus', 'Elu', 'Selu', 'Celu', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh'],
  'dot products': ['MatMul', 'Gemm', 'Conv', 'ConvTranspose'],
  reductions: ['ReduceSum', 'ReduceMean', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceProd', 'ReduceLogSum', 'ReduceLogSumExp', 'AveragePool', 'GlobalAveragePool', 'LpPool', 'CumSum'],
  normalizations: ['InstanceNormalization', 'LayerNormalization', 'BatchNormalization', 'Softmax', 'LogSoftmax'],
  resize: ['Resize'],
};
const familyOf = (op) => Object.entries(FAMILIES).find(([, ops]) => ops.includes(op))?.[0] ?? 'copies';

const registry = builtinRegistry();
const backends = builtinBackends();
const adapters = BACKENDS.map((name) => backends.create(name));
const ratios = new Map(); // "sut\u0000family" -> number[]
const failed = new Map(BACKENDS.map((b) => [b, 0]));
const judged = new Map(BACKENDS.map((b) => [b, 0]));
const failures = [];
// The default campaign's generator: 10 nodes, every dtype.
const config = { maxNodes: 10, dtypes: ['float32', 'float64', 'int32', 'int64', 'bool'] };
for (let index = 0; index < TESTS; index++) {
  const test = await makeTestCase({ seed: SEED, index, config, registry });
  if (test.untrusted) continue;
  const producer = new Map(test.model.nodes.flatMap((n) => n.outputs.map((o) => [o.name, n.op])));
  for (const adapter of adapters) {
    const outcome = await evaluateOnBackend(adapter, test, test.inputs, test.expected);
    const kind = outcome.verdict.kind;
    if (kind === 'unsupported' || !outcome.actual) continue;
    judged.set(adapter.name, judged.get(adapter.name) + 1);
    if (kind !== 'ok') {
      if (kind === 'wrong-result' || kind === 'nan-mismatch') {
        failed.set(adapter.name, failed.get(adapter.name) + 1);
        const known = outcome.knownBug ? ` [known bug corpus/${outcome.knownBug.corpus}]` : '';
        failures.push(`${adapter.name} test ${index} [${[...new Set(test.model.nodes.map((n) => n.op))].sort().join(', ')}]${known}: ${outcome.verdict.message}`);
      }
      continue;
    }
    const bounds = testBounds(test.model, test.inputs, adapter.precision);
    for (const [name, expected] of test.expected) {
      if (expected.dtype !== 'float32' && expected.dtype !== 'float64') continue;
      const bound = bounds.get(name);
      const actual = outcome.actual.get(name);
      if (!bound || !actual) continue;
      const key = `${adapter.name}\u0000${familyOf(producer.get(name) ?? 'Identity')}`;
      const list = ratios.get(key) ?? [];
      ratios.set(key, list);
      for (let i = 0; i < expected.data.length; i++) {
        const e = expected.dtype === 'float32' ? Math.fround(expected.data[i]) : expected.data[i];
        const b = bound[i];
        if (!(b > 0) || !Number.isFinite(b) || !Number.isFinite(e)) continue;
        list.push(Math.abs(actual.data[i] - e) / b);
      }
    }
  }
}

const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
const rows = [...ratios.entries()]
  .map(([key, list]) => {
    const [sut, family] = key.split('\u0000');
    const s = list.sort((a, b) => a - b);
    return { sut, family, elements: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99), p999: quantile(s, 0.999), max: s.at(-1) ?? NaN };
  })
  .sort((a, b) => a.sut.localeCompare(b.sut) || a.family.localeCompare(b.family));
if (args.includes('--json')) {
  console.log(JSON.stringify({ tests: TESTS, seed: SEED, safetyFactor: SAFETY_FACTOR, rows, failed: Object.fromEntries(failed), judged: Object.fromEntries(judged), failures }, null, 2));
} else {
  const fmt = (x) => (Number.isFinite(x) ? x.toExponential(1) : String(x));
  console.log(`observed error / bound on the elements of passing tests (${TESTS} tests, seed ${SEED}; the oracle allows ${SAFETY_FACTOR} x the bound)`);
  console.log(['SUT'.padEnd(14), 'family'.padEnd(15), 'elements'.padStart(9), 'p50'.padStart(8), 'p99'.padStart(8), 'p99.9'.padStart(8), 'max'.padStart(8)].join(' '));
  for (const r of rows) console.log([r.sut.padEnd(14), r.family.padEnd(15), String(r.elements).padStart(9), fmt(r.p50).padStart(8), fmt(r.p99).padStart(8), fmt(r.p999).padStart(8), fmt(r.max).padStart(8)].join(' '));
  console.log('tests failed on values / judged: ' + BACKENDS.map((b) => `${b} ${failed.get(b)}/${judged.get(b)}`).join(', '));
  for (const f of failures.slice(0, 40)) console.log('  ' + f);
}
process.exit(0);
