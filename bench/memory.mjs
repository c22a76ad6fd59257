// Resident memory of a long campaign over the four onnxruntime levels: the campaign runs through the
// built CLI, and every interval the resident set of its main process and of its SUT worker
// processes is read from /proc (and every 5 s for the peak). Prints the curve, and checks that the
// total stays under 1 GB and does not grow over the second half of the run (a leak shows as a
// steady climb there).
//   --minutes N       campaign length (default 60)
//   --interval-sec S  sampling interval (default 60)
//   --json            print {samples: [{minute, mainMb, workers, workersMb, totalMb}], maxTotalMb, peak, peakTotalMb,
//                     secondHalfGrowthMb, campaign: {testsPerSut, bugs, restarts}, checks}
// Exit code 1 when a check fails. Linux only (reads /proc).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const MINUTES = value('--minutes', 60);
const INTERVAL_SEC = value('--interval-sec', 60);
const LIMIT_MB = 1024;
/** Growth over the second half beyond this (and beyond 5% of the level) counts as a climb. */
const GROWTH_MB = 50;

/** Resident set of a process in MB, or 0 once it is gone. */
function residentMb(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every descendant of a process (its SUT workers, and theirs). */
function descendants(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const out = mkdtempSync(join(tmpdir(), 'bench-memory-'));
const child = spawn(
  process.execPath,
  [join(root, 'dist', 'cli', 'main.js'), 'fuzz', '--seed', 'bench-memory', '--time', String(MINUTES * 60), '--backends', 'ort-disabled,ort-basic,ort-extended,ort-all', '--out', out],
  { stdio: 'ignore' },
);
const samples = [];
const started = Date.now();
const measure = () => {
  const mainMb = residentMb(child.pid);
  const pids = descendants(child.pid);
  const workersMb = pids.reduce((sum, p) => sum + residentMb(p), 0);
  return { minute: (Date.now() - started) / 60000, mainMb, workers: pids.length, workersMb, totalMb: mainMb + workersMb };
};
// The curve samples every interval; between samples the total is read every PEAK_SEC too, so that
// a short rise (spare workers started for a burst of restarts, say) still counts against the limit.
const PEAK_SEC = Math.min(5, INTERVAL_SEC);
let peak = { totalMb: 0 };
const peakTimer = setInterval(() => {
  const m = measure();
  if (m.totalMb > peak.totalMb) peak = m;
}, PEAK_SEC * 1000);
const timer = setInterval(() => {
  const m = measure();
  samples.push(m);
  if (m.totalMb > peak.totalMb) peak = m;
}, INTERVAL_SEC * 1000);
const code = await new Promise((resolve) => child.on('exit', resolve));
clearInterval(timer);
clearInterval(peakTimer);
/** What the campaign did, for context: a campaign that lists bugs restarts workers to confirm and reduce them. */
let campaign = {};
try {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const perBackend = Object.values(summary.perBackend ?? {});
  campaign = {
    testsPerSut: Math.max(0, ...perBackend.map((b) => Object.values(b.verdicts ?? {}).reduce((a, n) => a + n, 0))),
    bugs: (summary.bugs ?? []).length,
    restarts: perBackend.reduce((a, b) => a + (b.restarts ?? 0), 0),
  };
} catch {
  // No summary: the exit code below says why.
}
rmSync(out, { recursive: true, force: true });
if (code !== 0 && code !== 1) {
  console.error(`the campaign failed (exit ${code})`);
  process.exit(1);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const maxTotalMb = Math.max(0, ...samples.map((s) => s.totalMb));
const peakTotalMb = Math.max(maxTotalMb, peak.totalMb);
const secondHalf = samples.filter((s) => s.minute >= MINUTES / 2);
// Medians of the first and last quarter of the second half: one noisy sample does not decide.
const quarter = Math.max(1, Math.floor(secondHalf.length / 4));
const secondHalfGrowthMb = secondHalf.length >= 2 ? median(secondHalf.slice(-quarter).map((s) => s.totalMb)) - median(secondHalf.slice(0, quarter).map((s) => s.totalMb)) : 0;
const level = median(secondHalf.map((s) => s.totalMb));
const checks = {
  [`resident memory under ${LIMIT_MB} MB`]: peakTotalMb < LIMIT_MB,
  'no growth over the second half': secondHalfGrowthMb <= Math.max(GROWTH_MB, 0.05 * level),
  'enough samples to tell': secondHalf.length >= 2,
};
const ok = Object.values(checks).every(Boolean);
if (args.includes('--json')) {
  console.log(JSON.stringify({ minutes: MINUTES, intervalSec: INTERVAL_SEC, samples, maxTotalMb, peak, peakTotalMb, secondHalfGrowthMb, campaign, checks }, null, 1));
} else {
  console.log(`campaign over the four onnxruntime levels, ${MINUTES} min, resident memory every ${INTERVAL_SEC} s:`);
  for (const s of samples) {
    console.log(`  ${s.minute.toFixed(1).padStart(5)} min  main ${s.mainMb.toFixed(0).padStart(5)} MB  ${String(s.workers).padStart(2)} workers ${s.workersMb.toFixed(0).padStart(5)} MB  total ${s.totalMb.toFixed(0).padStart(5)} MB`);
  }
  console.log(`  max ${maxTotalMb.toFixed(0)} MB; second half growth ${secondHalfGrowthMb.toFixed(0)} MB`);
  console.log(`  peak (read every ${PEAK_SEC} s) ${peakTotalMb.toFixed(0)} MB${peak.workers !== undefined ? ` at ${peak.minute.toFixed(1)} min, ${peak.workers} workers` : ''}`);
  if (campaign.testsPerSut !== undefined) console.log(`  campaign: ${campaign.testsPerSut} tests per SUT, ${campaign.bugs} bugs listed, ${campaign.restarts} worker restarts`);
  for (const [name, passed] of Object.entries(checks)) console.log(`  ${passed ? 'ok  ' : 'FAIL'} ${name}`);
}
process.exit(ok ? 0 : 1);
