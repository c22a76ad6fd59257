// Input search: over 500 seeds of 10-node models (every op allowed, the domain-limited ones such as
// Log, Sqrt, Acosh, Div and Pow included), the share of models whose reference run is NaN/Inf-free
// with one plain random draw of inputs and weights and with the gradient search (50 ms budget), and
// the search's time per model. "Trusted" is stricter: no op outside its domain hint, no subnormal,
// no input next to a discontinuity; it is what a campaign requires before it judges a test.
// `--json` prints {"models", "randomCleanRate", "searchCleanRate", "randomTrustedRate",
// "searchTrustedRate", "medianMs", "p90Ms"}.
import { generate } from '../dist/generator/generate.js';
import { loadZ3 } from '../dist/generator/smt/z3-solver.js';
import { Rng, testSeed } from '../dist/generator/rng.js';
import { randomTensor } from '../dist/generator/values.js';
import { untrustedRun } from '../dist/inputsearch/clean.js';
import { searchInputs } from '../dist/inputsearch/search.js';
import { builtinRegistry } from '../dist/opspec/ops/index.js';
import { runReference } from '../dist/reference-runtime/executor.js';

const MODELS = 500;
const NODES = 10;
const BUDGET_MS = 50;
const registry = builtinRegistry();
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

function finite(values) {
  for (const t of values.values()) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
    const held = t.dtype === 'float32' ? Math.fround : (x) => x;
    for (const x of t.data) if (!Number.isFinite(held(x))) return false;
  }
  return true;
}

await loadZ3();
// Warm the JIT on a few models first so that the first seeds' times measure the search, not V8.
for (let i = 0; i < 20; i++) {
  const rng = new Rng(`bench-inputsearch-warmup/${i}`);
  const { model } = await generate({ maxNodes: NODES }, registry, rng.fork('model'));
  searchInputs(model, rng.fork('inputs'), { registry, budgetMs: BUDGET_MS });
}

const counts = { randomClean: 0, searchClean: 0, randomTrusted: 0, searchTrusted: 0 };
const times = [];
for (let i = 0; i < MODELS; i++) {
  const rng = new Rng(testSeed('bench-inputsearch', i));
  const { model } = await generate({ maxNodes: NODES }, registry, rng.fork('model'));
  const randomRng = rng.fork('random');
  const inputs = new Map(model.inputs.map((v) => [v.name, randomTensor(randomRng, v.dtype, v.shape)]));
  const plain = runReference(model, inputs, { registry });
  if (finite(plain.values)) counts.randomClean++;
  if (!untrustedRun(model, inputs, plain, registry)) counts.randomTrusted++;
  const found = searchInputs(model, rng.fork('inputs'), { registry, budgetMs: BUDGET_MS });
  times.push(found.ms);
  if (finite(found.run.values)) counts.searchClean++;
  if (!found.untrusted) counts.searchTrusted++;
}

const result = {
  models: MODELS,
  randomCleanRate: counts.randomClean / MODELS,
  searchCleanRate: counts.searchClean / MODELS,
  randomTrustedRate: counts.randomTrusted / MODELS,
  searchTrustedRate: counts.searchTrusted / MODELS,
  medianMs: quantile(times, 0.5),
  p90Ms: quantile(times, 0.9),
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  console.log(`input search over ${MODELS} models of ${NODES} nodes (budget ${BUDGET_MS} ms):`);
  console.log(`  NaN/Inf-free: random ${pct(result.randomCleanRate)}, search ${pct(result.searchCleanRate)}`);
  console.log(`  trusted (domains, subnormals, discontinuities too): random ${pct(result.randomTrustedRate)}, search ${pct(result.searchTrustedRate)}`);
  console.log(`  search time per model: median ${result.medianMs.toFixed(2)} ms, p90 ${result.p90Ms.toFixed(2)} ms`);
}
process.exit(0);
