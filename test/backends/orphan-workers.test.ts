import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { childrenOf } from '../support/processes.js';

const FIXTURE = resolve('test/fixtures/buggy-compiler.mjs');

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe.runIf(process.platform === 'linux')('SUT workers of a campaign killed with SIGKILL', () => {
  it('end with it, even the one stuck in a hanging SUT', async () => {
    const out = tempDir();
    // buggy-compiler's Sin hangs; the hang is confirmed alone at the full timeout (60 s), in a worker
    // that spins and never reads its channel.
    const args = ['fuzz', '--seed', 'orphans', '--time', '120', '--timeout', '60', '--max-nodes', '1', '--ops', 'Sin', '--backends', 'buggy-compiler', '--backend-module', FIXTURE, '--out', out];
    const campaign = spawn(process.execPath, ['dist/cli/main.js', ...args], { stdio: 'ignore' });
    const start = Date.now();
    while (!existsSync(join(out, 'progress.json')) && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 50));
    // Past the first hang at the adaptive timeout (1 s): the confirmation's worker is spinning.
    await new Promise((r) => setTimeout(r, 3000));
    const workers = childrenOf(campaign.pid!);
    expect(workers.length).toBeGreaterThan(0);
    campaign.kill('SIGKILL');
    await new Promise((r) => campaign.on('exit', r));
    const deadline = Date.now() + 5000;
    while (workers.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const left = workers.filter(alive);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left).toEqual([]);
  }, 90_000);
});
