// Runs every benchmark in this folder, one process each, and prints what they print.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const extra = process.argv.slice(2);
let failed = false;
// memory.mjs runs an hour-long campaign: it has its own script (npm run bench:memory); import-rate.mjs
// reads models bench/foreign-models/generate.py writes outside the repository (npm run bench:import-rate).
const separate = new Set(['run-all.mjs', 'memory.mjs', 'import-rate.mjs']);
// Smaller sizes here than on their own (npm run bench:coverage runs 2000 tests); the extra
// arguments come after, so `--tests N` still wins.
const defaults = { 'coverage.mjs': ['--tests', '200'], 'error-bounds.mjs': ['--tests', '150'], 'defaults.mjs': ['--time', '30', '--runs', '1', '--only', 'ort4-float32,local-all'] };
for (const file of readdirSync(here).filter((f) => f.endsWith('.mjs') && !separate.has(f)).sort()) {
  console.log(`# ${file}`);
  const r = spawnSync(process.execPath, [join(here, file), ...(defaults[file] ?? []), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
