import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureDb } from '../store/signatures.js';
import { mergeCampaigns } from './merge.js';
import { subShard, type Shard } from './shard.js';
import type { CampaignSummary } from '../store/summary.js';
import type { FuzzStatus } from './fuzz.js';
import { readProgressFile, type Progress } from '../store/progress.js';

/** How to start this tool again in a child process (node and the entry script, or tsx under tests). */
export interface SelfCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface ParallelOptions {
  readonly jobs: number;
  readonly shard: Shard;
  readonly outDir: string;
  /** `fuzz` flags every worker gets (not --jobs, --shard, --out, --resume, --known). */
  readonly fuzzArgs: readonly string[];
  readonly resume: boolean;
  /** The signature database to classify bugs against and to update at the end. */
  readonly knownPath?: string;
  readonly self: SelfCommand;
  readonly onProgress?: (status: FuzzStatus) => void;
  readonly shouldStop?: () => boolean;
}

/** A worker's progress for the status line: none yet, or a damaged file, shows as nothing (the merge at the end reads what counts). */
function workerProgress(dir: string): Progress | undefined {
  try {
    return readProgressFile(dir);
  } catch {
    return undefined;
  }
}

/**
 * `fuzz --jobs N`: N worker processes, each a campaign over its own sub-shard in DIR/jobs/<j>, merged
 * into DIR when they end. Each worker isolates its own SUTs, so a crash stays in its worker. Ctrl-C
 * reaches the workers (same process group); each writes its summary and the merge still runs.
 */
export async function runParallelCampaign(options: ParallelOptions): Promise<CampaignSummary> {
  const { jobs, outDir } = options;
  mkdirSync(join(outDir, 'jobs'), { recursive: true });
  const knownPath = options.knownPath ?? join(outDir, 'signatures.json');
  const workers: { dir: string; child: ChildProcess; done: Promise<number> }[] = [];
  for (let job = 0; job < jobs; job++) {
    const dir = join(outDir, 'jobs', String(job));
    mkdirSync(dir, { recursive: true });
    // Each worker classifies against a copy of the database; the copies are united at the end.
    if (!options.resume && existsSync(knownPath)) copyFileSync(knownPath, join(dir, 'signatures.json'));
    const sub = subShard(options.shard, job, jobs);
    const log = openSync(join(dir, 'worker.log'), 'a');
    const args = [...options.self.args, 'fuzz', ...options.fuzzArgs, '--shard', `${sub.index}/${sub.count}`, '--out', dir, ...(options.resume ? ['--resume'] : [])];
    const child = spawn(options.self.command, args, { stdio: ['ignore', log, log] });
    const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 2)));
    workers.push({ dir, child, done });
  }
  const start = performance.now();
  const poll = setInterval(() => {
    if (options.shouldStop?.()) for (const w of workers) w.child.kill('SIGINT');
    const totals = { tests: 0, discarded: 0, findings: 0, bugs: 0 };
    for (const w of workers) {
      const p = workerProgress(w.dir);
      if (!p) continue;
      totals.tests += p.tests;
      totals.discarded += p.discarded;
      totals.findings += p.findings;
      totals.bugs += p.bugs.length;
    }
    options.onProgress?.({ ...totals, elapsedSec: (performance.now() - start) / 1000 });
  }, 500);
  const codes = await Promise.all(workers.map((w) => w.done)).finally(() => clearInterval(poll));
  const failed = workers.filter((_w, i) => codes[i] === 2);
  if (failed.length > 0 && failed.length === workers.length) {
    const reason = readFileSync(join(failed[0]!.dir, 'worker.log'), 'utf8').trim().split('\n').slice(-1)[0];
    throw new Error(`every fuzz worker failed; the first said: ${reason} (logs in ${join(outDir, 'jobs')})`);
  }
  const merged = mergeCampaigns(workers.filter((_w, i) => codes[i] !== 2).map((w) => w.dir), outDir);
  if (options.knownPath) {
    const db = SignatureDb.open(options.knownPath);
    db.absorb(SignatureDb.open(join(outDir, 'signatures.json')));
    db.save();
  }
  return merged;
}
