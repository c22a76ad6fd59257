// Judged tests per second of each browser SUT (onnxruntime-web's WebGPU and wasm providers and
// tfjs's WebGPU backend in headless Chromium), beside their Node counterparts, over the same fixed
// range of test indices. Each runs a campaign through the built CLI as a user does: one page per
// SUT serves every test until a failure replaces it. Reduction is off (--reduce-steps 0), so the
// pace is that of judging; a campaign's reductions add one fresh page per candidate.
//   --tests N   test indices per campaign (default 60)
//   --runs K    campaigns per SUT; the median pace is printed (default 3)
//   --suts a,b  the SUTs (default chrome-ort-webgpu,chrome-ort-wasm,chrome-tfjs-webgpu,ort-web-wasm,tfjs-webgpu)
//   --json      print [{sut, tests, discarded, testsPerSec (median), runs: [tests/s...], findings}] instead
// Needs Chromium on PATH (or --chromium PATH after the flags above); exit 2 without it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const TESTS = Number(option('--tests', '60'));
const RUNS = Number(option('--runs', '3'));
const SUTS = option('--suts', 'chrome-ort-webgpu,chrome-ort-wasm,chrome-tfjs-webgpu,ort-web-wasm,tfjs-webgpu').split(',');
const chromium = option('--chromium', undefined);

function campaign(sut) {
  const out = mkdtempSync(join(tmpdir(), 'bench-browser-'));
  const cli = [
    join(root, 'dist', 'cli', 'main.js'), 'fuzz', '--seed', 'bench-browser', '--time', '3600', '--index-limit', String(TESTS),
    '--search-steps', '40', '--search-ms', '5000', '--reduce-steps', '0', '--backends', sut, '--out', out,
    ...(chromium ? ['--chromium', chromium] : []),
  ];
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, cli, { encoding: 'utf8' });
    const wallSec = (performance.now() - t0) / 1000;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${sut}: the campaign failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    return { tests: summary.tests, discarded: summary.discarded, testsPerSec: summary.tests / summary.elapsedSec, wallSec, findings: summary.bugs.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  for (const sut of SUTS) {
    const runs = Array.from({ length: RUNS }, () => campaign(sut));
    rows.push({ sut, tests: runs[0].tests, discarded: runs[0].discarded, testsPerSec: median(runs.map((r) => r.testsPerSec)), runs: runs.map((r) => Number(r.testsPerSec.toFixed(3))), findings: runs[0].findings });
  }
} catch (e) {
  console.error(`bench/browser.mjs: ${e.message}`);
  process.exit(2);
}
if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(`judged tests per second, median of ${RUNS} campaign(s) of ${TESTS} test indices (seed bench-browser, no reduction):`);
  for (const r of rows) console.log(`  ${r.sut.padEnd(20)} ${r.testsPerSec.toFixed(2)} tests/s  (${r.tests} judged, ${r.discarded} discarded, ${r.findings} bugs listed; runs ${r.runs.join(', ')})`);
}
