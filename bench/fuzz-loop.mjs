// Throughput of the pipeline stages: generation + ONNX export, the reference runtime, and whole fuzz
// tests on onnxruntime-node. Prints medians of several runs; `--json` prints one JSON object.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../dist/generator/generate.js';
import { Rng } from '../dist/generator/rng.js';
import { randomInputs } from '../dist/generator/values.js';
import { modelToOnnx } from '../dist/export/to-onnx.js';
import { builtinRegistry } from '../dist/opspec/ops/index.js';
import { runReference } from '../dist/reference-runtime/executor.js';
import { runFuzzCampaign } from '../dist/campaign/fuzz.js';
import { builtinBackends } from '../dist/backends/registry.js';

const RUNS = 5;
const registry = builtinRegistry();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function generation(maxNodes, count) {
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const { model } = await generate({ maxNodes, method: 'random' }, registry, new Rng(`bench/${run}/${i}`));
      modelToOnnx(model, registry);
    }
    rates.push((count * 1000) / (performance.now() - t0));
  }
  return median(rates);
}

async function reference(maxNodes, count) {
  const models = [];
  for (let i = 0; i < count; i++) models.push((await generate({ maxNodes, method: 'random' }, registry, new Rng(`ref/${i}`))).model);
  const inputs = models.map((m, i) => randomInputs(m, new Rng(`refin/${i}`)));
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    models.forEach((m, i) => runReference(m, inputs[i]));
    times.push((performance.now() - t0) / count);
  }
  return median(times);
}

/** Judged tests per second and the share of generated tests discarded (untrusted reference run). */
async function fuzzTests(backends, tests, inputs = { search: true, budgetMs: 50 }) {
  const rates = [];
  const discarded = [];
  for (let run = 0; run < 3; run++) {
    const summary = await runFuzzCampaign({
      seed: `bench-${run}`,
      timeSec: 600,
      maxTests: tests,
      outDir: mkdtempSync(join(tmpdir(), 'tensorsmith-bench-')),
      generator: { maxNodes: 10 },
      inputs,
      adapters: backends.map((b) => builtinBackends().create(b)),
      registry,
      toolVersion: 'bench',
    });
    rates.push(summary.testsPerSec);
    discarded.push(summary.discarded / (summary.tests + summary.discarded));
  }
  return { testsPerSec: median(rates), discardedShare: median(discarded) };
}

const result = {
  generationModelsPerSec: { 5: await generation(5, 300), 10: await generation(10, 200), 20: await generation(20, 100) },
  referenceMsPerModel10Nodes: await reference(10, 100),
  fuzz: {
    'ort-disabled': await fuzzTests(['ort-disabled'], 400),
    'ort-disabled,ort-all': await fuzzTests(['ort-disabled', 'ort-all'], 400),
    'ort-disabled, plain random inputs': await fuzzTests(['ort-disabled'], 400, { search: false }),
  },
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  const g = result.generationModelsPerSec;
  console.log(`random-method generation + ONNX export: ${g[5].toFixed(0)} models/s at 5 nodes, ${g[10].toFixed(0)} at 10, ${g[20].toFixed(0)} at 20`);
  console.log(`reference runtime (float64 CPU): ${result.referenceMsPerModel10Nodes.toFixed(2)} ms per 10-node model`);
  for (const [k, v] of Object.entries(result.fuzz)) {
    console.log(`fuzz loop (smt generator), 10-node models on ${k}: ${v.testsPerSec.toFixed(0)} judged tests/s, ${(100 * v.discardedShare).toFixed(1)}% of generated tests discarded`);
  }
  console.log(`(medians of ${RUNS} runs, 3 for the fuzz loop)`);
}
process.exit(0);
