// Which SUTs and dtypes make the best first minute of `tensorsmith fuzz`: real-bug yield per minute
// of candidate defaults. Each candidate runs --runs campaigns of --time seconds (different seeds,
// the same seeds for every candidate) through the built CLI, as a user's first run does, startup
// included. Per candidate it prints the medians of: judged tests, distinct bugs listed, of those the
// ones the corpus knows (real bugs, triaged), and the distinct bugs met over all its runs.
//   --time S       seconds per campaign (default 60)
//   --runs K       campaigns per candidate (default 3)
//   --only a,b     run only these candidates (names below)
//   --json         print the rows as JSON instead
// Candidates: ort4-float32 (the four onnxruntime levels, float32: the default before this bench),
// ort4-all (all dtypes), local-float32 and local-all (every SUT that runs in Node here), all-all
// (local plus the browser SUTs; needs Chromium).
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
const TIME = Number(option('--time', '60'));
const RUNS = Number(option('--runs', '3'));
const ALL_DTYPES = 'float32,float64,int32,int64,bool';
const ORT4 = 'ort-disabled,ort-basic,ort-extended,ort-all';
const CANDIDATES = [
  { name: 'ort4-float32', backends: ORT4, dtypes: 'float32' },
  { name: 'ort4-all', backends: ORT4, dtypes: ALL_DTYPES },
  { name: 'local-float32', backends: 'local', dtypes: 'float32' },
  { name: 'local-all', backends: 'local', dtypes: ALL_DTYPES },
  { name: 'all-all', backends: 'all', dtypes: ALL_DTYPES },
];
const only = option('--only', undefined)?.split(',');
const chosen = only ? CANDIDATES.filter((c) => only.includes(c.name)) : CANDIDATES;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function campaign(candidate, seed) {
  const out = mkdtempSync(join(tmpdir(), 'bench-defaults-'));
  const cli = [join(root, 'dist', 'cli', 'main.js'), 'fuzz', '--seed', seed, '--time', String(TIME), '--backends', candidate.backends, '--dtypes', candidate.dtypes, '--out', out];
  try {
    const r = spawnSync(process.execPath, cli, { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${candidate.name}: the campaign failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    return {
      tests: summary.tests,
      bugs: summary.bugs.map((b) => ({ signature: b.signature, corpus: b.corpus, label: `${b.verdict} ${b.ops.join('+')} on ${b.seenOn.join(',')}` })),
      suts: summary.backends.map((b) => b.name),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const rows = [];
for (const candidate of chosen) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(campaign(candidate, `bench-defaults-${i}`));
    process.stderr.write(`${candidate.name} run ${i + 1}/${RUNS}: ${runs.at(-1).tests} tests, ${runs.at(-1).bugs.length} bugs\n`);
  }
  const distinct = new Map(runs.flatMap((r) => r.bugs).map((b) => [b.signature, b]));
  rows.push({
    candidate: candidate.name,
    suts: runs[0].suts,
    tests: median(runs.map((r) => r.tests)),
    bugsPerMinute: median(runs.map((r) => r.bugs.length)) * (60 / TIME),
    corpusBugsPerMinute: median(runs.map((r) => r.bugs.filter((b) => b.corpus).length)) * (60 / TIME),
    distinctOverRuns: distinct.size,
    corpusOverRuns: [...distinct.values()].filter((b) => b.corpus).map((b) => b.corpus),
    otherOverRuns: [...distinct.values()].filter((b) => !b.corpus).map((b) => b.label),
  });
}
if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(`median of ${RUNS} campaigns of ${TIME}s each (startup included)`);
  console.log('candidate       tests  bugs/min  corpus bugs/min  distinct over runs (corpus)');
  for (const r of rows) {
    console.log(`${r.candidate.padEnd(15)} ${String(r.tests).padStart(5)}  ${r.bugsPerMinute.toFixed(1).padStart(8)}  ${r.corpusBugsPerMinute.toFixed(1).padStart(15)}  ${r.distinctOverRuns} (${r.corpusOverRuns.length})`);
  }
  for (const r of rows) {
    console.log(`\n${r.candidate} (${r.suts.join(', ')}):`);
    for (const c of r.corpusOverRuns) console.log(`  corpus/${c}`);
    for (const o of r.otherOverRuns) console.log(`  not in the corpus: ${o}`);
  }
}
