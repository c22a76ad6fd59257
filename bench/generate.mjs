// Model generation with the default (smt) method, ONNX export included, in one process, at 5, 10
// and 20 nodes. Prints models/s and the median time per model (medians over several runs);
// `--json` prints {"5": {"modelsPerSec": x, "medianMs": y}, "10": {...}, "20": {...}}.
import { generate } from '../dist/generator/generate.js';
import { loadZ3 } from '../dist/generator/smt/z3-solver.js';
import { Rng } from '../dist/generator/rng.js';
import { modelToOnnx } from '../dist/export/to-onnx.js';
import { builtinRegistry } from '../dist/opspec/ops/index.js';

const RUNS = 5;
const MODELS_PER_RUN = { 5: 200, 10: 150, 20: 80 };
const registry = builtinRegistry();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await loadZ3(); // the one-time WebAssembly load is not part of the per-model cost

const result = {};
for (const nodes of [5, 10, 20]) {
  const rates = [];
  const perModel = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let i = 0; i < MODELS_PER_RUN[nodes]; i++) {
      const t = performance.now();
      const { model } = await generate({ maxNodes: nodes }, registry, new Rng(`bench-gen/${nodes}/${run}/${i}`));
      modelToOnnx(model, registry);
      perModel.push(performance.now() - t);
    }
    rates.push((MODELS_PER_RUN[nodes] * 1000) / (performance.now() - t0));
  }
  result[nodes] = { modelsPerSec: median(rates), medianMs: median(perModel) };
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  for (const [nodes, r] of Object.entries(result)) {
    console.log(`smt generation + ONNX export at ${nodes} nodes: ${r.modelsPerSec.toFixed(1)} models/s, median ${r.medianMs.toFixed(2)} ms per model`);
  }
  console.log(`(median of ${RUNS} runs; per-model median over all of them)`);
}
process.exit(0);
