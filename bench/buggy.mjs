// A campaign against a buggy compiler: test/fixtures/buggy-compiler.mjs has eight planted bugs (a
// hang, an abort, a runtime error whose message lists numbers, a compile error, NaN on part of an
// op's domain, wrong values that turn into NaN downstream, a two-op pattern, a state corruption)
// and one op it says it does not implement for int32. The same fixed range of test indices runs
// with the bugs on and, for the clean pace, with them off (TENSORSMITH_FAULTS=off), through the
// built CLI as a user runs it. It checks that every planted bug is listed exactly once, reduced to
// its trigger, that nothing else is listed, and that the pace with the bugs is at least half the
// clean one.
//   --json        print {tests, testsPerSec, cleanTestsPerSec, bugs: [{signature, verdict, class,
//                 ops, reducedNodes, seenOn}], checks, underLoad?} instead of text
//   --tests N     the test indices to run (default 3000: the fixed costs of finding and reducing
//                 eight bugs, and the two-op pattern first met past index 1500, need that many)
//   --runs K      run each configuration K times and report the medians of the paces (default 1)
//   --busy        also run the campaign with both cores kept busy, and check it lists the same signatures
// Exit code 1 when a check fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLANTED_BUGS as PLANTED } from '../test/fixtures/buggy-compiler.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const TESTS = value('--tests', 3000);
const RUNS = value('--runs', 1);

const OPS = 'Relu,Neg,Abs,Exp,Log,Sqrt,Tanh,Sigmoid,Sin,Cos,Add,Sub,Mul,MatMul,Transpose,Reshape,Concat,ReduceSum,ReduceMean,Softmax';

/**
 * One campaign through the built CLI. The input search ends after a number of steps (its time
 * budget is only a cap), so the tests judged do not depend on the machine's load.
 */
function campaign({ faults, busy }) {
  const out = mkdtempSync(join(tmpdir(), 'bench-buggy-'));
  const cli = [
    join(root, 'dist', 'cli', 'main.js'), 'fuzz', '--seed', 'bench-buggy', '--time', '3600', '--index-limit', String(TESTS),
    '--max-nodes', '8', '--ops', OPS, '--dtypes', 'float32,int32', '--timeout', '5',
    '--search-steps', '40', '--search-ms', '5000',
    '--backends', 'buggy-compiler', '--backend-module', join(root, 'test', 'fixtures', 'buggy-compiler.mjs'), '--out', out,
  ];
  const burners = busy ? [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' })) : [];
  try {
    const r = spawnSync(process.execPath, cli, { env: { ...process.env, TENSORSMITH_FAULTS: faults ? 'on' : 'off' }, encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`the campaign failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  } finally {
    for (const b of burners) b.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sameOps = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const buggyRuns = Array.from({ length: RUNS }, () => campaign({ faults: true, busy: false }));
const cleanRuns = Array.from({ length: RUNS }, () => campaign({ faults: false, busy: false }));
const summary = buggyRuns[0];
const bugs = summary.bugs.map((b) => ({
  signature: b.signature,
  verdict: b.verdict,
  class: b.class,
  ops: b.ops,
  reducedNodes: b.reduced?.nodes ?? null,
  seenOn: b.seenOn,
}));
const testsPerSec = median(buggyRuns.map((s) => s.testsPerSec));
const cleanTestsPerSec = median(cleanRuns.map((s) => s.testsPerSec));

const checks = {};
for (const p of PLANTED) {
  const listed = bugs.filter((b) => b.class === p.class && sameOps(b.ops, p.ops));
  // A state bug's reduced test is the one it breaks (Exp); the others reduce to their trigger's nodes.
  const reducedToTrigger = listed.length === 1 && listed[0].reducedNodes !== null && (p.class === 'state' || listed[0].reducedNodes === p.ops.length);
  checks[p.bug] = listed.length === 1 && reducedToTrigger;
}
const planted = (b) => PLANTED.some((p) => p.class === b.class && sameOps(b.ops, p.ops));
checks['nothing else listed (the int32 Neg gap included)'] = bugs.every(planted);
const negGap = Object.keys(summary.perBackend['buggy-compiler']?.unsupported ?? {}).some((r) => r.includes('Neg(int32)'));
checks['the int32 Neg gap counted as unsupported'] = negGap;
checks['pace with the bugs at least half the clean pace'] = testsPerSec >= cleanTestsPerSec / 2;
checks['every run lists the same signatures'] = buggyRuns.every((s) => sameOps(s.bugs.map((b) => b.signature).sort(), summary.bugs.map((b) => b.signature).sort()));

let underLoad;
if (flag('--busy')) {
  const loaded = campaign({ faults: true, busy: true });
  const idle = summary.bugs.map((b) => b.signature).sort();
  const busy = loaded.bugs.map((b) => b.signature).sort();
  underLoad = { sameSignatures: sameOps(idle, busy), signatures: busy, testsPerSec: loaded.testsPerSec, tests: loaded.tests };
  checks['with both cores busy, the same signatures'] = underLoad.sameSignatures;
}

const stats = summary.perBackend['buggy-compiler'] ?? {};
const result = {
  tests: summary.tests,
  // Tests not run on the SUT because they hold the trigger of a crash, hang or error it showed
  // (running them would give that bug again), and the worker restarts the campaign needed.
  skippedKnown: stats.skippedKnown ?? 0,
  restarts: stats.restarts ?? 0,
  testsPerSec,
  cleanTestsPerSec,
  bugs,
  reductionMs: summary.reduction.ms,
  checks,
  ...(underLoad ? { underLoad } : {}),
};
const ok = Object.values(checks).every(Boolean);
if (flag('--json')) {
  console.log(JSON.stringify(result, null, 1));
} else {
  console.log(`buggy compiler, test indices 0..${TESTS - 1}${RUNS > 1 ? ` (median of ${RUNS} runs)` : ''}:`);
  console.log(`  ${result.tests} judged tests, ${testsPerSec.toFixed(1)} tests/s with the bugs, ${cleanTestsPerSec.toFixed(1)} tests/s clean (${((100 * testsPerSec) / cleanTestsPerSec).toFixed(0)}%); reduction ${(result.reductionMs / 1000).toFixed(1)} s`);
  console.log(`  ${result.skippedKnown} of them held a crash, hang or error already listed and were not run again; ${result.restarts} worker restarts`);
  for (const b of bugs) console.log(`  ${b.signature} ${b.class.padEnd(13)} ${b.ops.join(', ').padEnd(14)} reduced to ${b.reducedNodes ?? '-'} nodes, seen on ${b.seenOn.join(', ')}`);
  for (const [name, passed] of Object.entries(checks)) console.log(`  ${passed ? 'ok  ' : 'FAIL'} ${name}`);
}
process.exit(ok ? 0 : 1);
