// Rewrite coverage of the generator on onnxruntime-node at graph optimization level 'all': the
// same test indices generated three ways (single ops only; rewrite patterns; patterns with coverage
// guidance, its state recomputed at each epoch boundary as a campaign does), each model converted to
// ONNX and optimized by onnxruntime. Prints, per way, the distinct rewrites that fired (diffs no
// rewrite sign explains are counted apart, as unnamed changes) and the distinct op types that appear
// only in optimized models. No input search: rewrites do not depend on values.
//   --tests N   test indices 0..N-1 (default 2000)
//   --seed S    campaign seed (default 'bench-coverage')
//   --json      print {seed, tests, modes: {mode: {rewrites, optimizedOnlyOps, unnamedChanges, failures, seconds}}}
// Progress goes to stderr.
import { GUIDANCE_EPOCH, hitsOf } from '../dist/campaign/guidance.js';
import { rewritesOf, sessionWithDiff } from '../dist/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../dist/export/to-onnx.js';
import { generate, GenerationError } from '../dist/generator/generate.js';
import { DEFAULT_PATTERN_SHARE } from '../dist/generator/insertion-policy.js';
import { Rng, testSeed } from '../dist/generator/rng.js';
import { loadZ3 } from '../dist/generator/smt/z3-solver.js';
import { builtinRegistry } from '../dist/opspec/ops/index.js';
import { countRewrites } from '../dist/store/summary.js';

const args = process.argv.slice(2);
// The last occurrence wins, so that run-all's small default can be overridden.
const value = (name, fallback) => {
  const i = args.lastIndexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const tests = Number(value('--tests', '2000'));
const seed = value('--seed', 'bench-coverage');
const json = args.includes('--json');
if (!Number.isInteger(tests) || tests < 1) {
  console.error(`--tests must be a positive integer, not ${value('--tests', '')}`);
  process.exit(2);
}

const SUT = 'ort-all';
const PROGRESS_EVERY = 100;
const MODES = [
  { name: 'single ops', config: { maxNodes: 10, patternShare: 0 }, guided: false },
  { name: 'patterns', config: { maxNodes: 10, patternShare: DEFAULT_PATTERN_SHARE }, guided: false },
  { name: 'patterns + guidance', config: { maxNodes: 10, patternShare: DEFAULT_PATTERN_SHARE }, guided: true },
];

const registry = builtinRegistry();
const isUnnamed = (rewrite) => rewrite.startsWith('-') || rewrite.startsWith('+');

async function runMode({ name, config, guided }) {
  const t0 = performance.now();
  /** As a campaign keeps it: per SUT, per rewrite (unnamed diffs included), tests and first test. */
  const coverage = {};
  const rewrites = new Set();
  const unnamed = new Set();
  const optimizedOnly = new Set();
  let testsWithUnnamed = 0;
  let generationFailures = 0;
  let sessionFailures = 0;
  let state;
  for (let index = 0; index < tests; index++) {
    // Tests run in order, so at an epoch's first test the coverage is that of every earlier test.
    if (guided && index % GUIDANCE_EPOCH === 0) state = hitsOf(coverage);
    const rng = new Rng(testSeed(seed, index));
    let onnx;
    try {
      const { model } = await generate(guided ? { ...config, guidance: state } : config, registry, rng.fork('model'));
      onnx = modelToOnnx(model, registry);
    } catch (e) {
      if (!(e instanceof GenerationError)) throw e;
      generationFailures++;
      continue;
    }
    let diff;
    try {
      const made = await sessionWithDiff(onnx, 'all');
      diff = made.diff;
      await made.session.release();
    } catch {
      sessionFailures++;
      continue;
    }
    const names = rewritesOf(diff);
    countRewrites(coverage, SUT, names, index);
    for (const rewrite of names) (isUnnamed(rewrite) ? unnamed : rewrites).add(rewrite);
    if (names.some(isUnnamed)) testsWithUnnamed++;
    for (const op of Object.keys(diff.added)) optimizedOnly.add(op);
    if ((index + 1) % PROGRESS_EVERY === 0 || index + 1 === tests) {
      const sec = (performance.now() - t0) / 1000;
      console.error(
        `[${name}] ${index + 1}/${tests}: ${rewrites.size} rewrites, ${optimizedOnly.size} optimized-only ops, ${unnamed.size} unnamed changes, ${generationFailures + sessionFailures} failures, ${sec.toFixed(0)} s`,
      );
    }
  }
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  console.error(`[${name}] done in ${seconds} s: ${generationFailures} generation failures, ${sessionFailures} session failures, ${testsWithUnnamed} tests with an unnamed change`);
  return {
    rewrites: [...rewrites].sort(),
    optimizedOnlyOps: [...optimizedOnly].sort(),
    unnamedChanges: unnamed.size,
    failures: generationFailures + sessionFailures,
    seconds,
  };
}

await loadZ3(); // the one-time WebAssembly load is not part of the first mode's time

const modes = {};
for (const mode of MODES) modes[mode.name] = await runMode(mode);

if (json) {
  console.log(JSON.stringify({ seed, tests, modes }, null, 2));
} else {
  const rows = [['mode', 'rewrites', 'optimized-only ops', 'unnamed changes', 'failures', 'tests', 'seconds']];
  for (const [name, m] of Object.entries(modes)) {
    rows.push([name, m.rewrites.length, m.optimizedOnlyOps.length, m.unnamedChanges, m.failures, tests, m.seconds].map(String));
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  console.log(`(onnxruntime-node, level all, seed '${seed}', tests 0..${tests - 1}, at most 10 nodes)`);
  for (const [name, m] of Object.entries(modes)) {
    console.log(`\n${name}:`);
    console.log(`  rewrites: ${m.rewrites.join(', ') || '(none)'}`);
    console.log(`  optimized-only ops: ${m.optimizedOnlyOps.join(', ') || '(none)'}`);
  }
}
process.exit(0);
