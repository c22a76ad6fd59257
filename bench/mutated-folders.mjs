// The long version of the mutated-folder property (test/hardening/mutated-folders.test.ts): real
// case, campaign, conformance and config files, one damaged per run, fed to every command that reads
// files; each must succeed or refuse with exit 2 and one line, never an internal error, never a
// write outside its output. Prints the runs, the outcome counts per command and the time per run.
//   --runs N   runs (default 3000)
//   --seed S   fast-check seed (default: the clock, printed, so a failure can be replayed)
// Exit code 1 when a run breaks the property (its command, mutation and stderr are printed).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const runs = Number(value('--runs', '3000'));
const seed = value('--seed', String(Date.now() % 2 ** 31));
const t0 = performance.now();
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/hardening/mutated-folders.test.ts'], {
  cwd: root,
  env: { ...process.env, MUTATED_FOLDER_RUNS: String(runs), MUTATED_FOLDER_SEED: seed },
  encoding: 'utf8',
});
const sec = (performance.now() - t0) / 1000;
// eslint-disable-next-line no-control-regex
const output = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
const tallies = output.split('\n').filter((l) => /^[a-z-]+ exit \d: \d+$/.test(l));
console.log(`mutated folders: ${runs} runs, seed ${seed}, ${sec.toFixed(0)} s (${((sec * 1000) / runs).toFixed(0)} ms a run, template included)`);
for (const t of tallies) console.log(`  ${t}`);
if (r.status !== 0) {
  const failure = output.split('\n').filter((l) => /Counterexample|after |stderr:|^merge|^repro|^run|^reduce|^report|^known|^conformance|^fuzz|^--config/.test(l.trim()));
  console.log(`FAILED (replay: node bench/mutated-folders.mjs --runs ${runs} --seed ${seed})`);
  for (const l of failure.slice(0, 12)) console.log(`  ${l.trim()}`);
  process.exit(1);
}
