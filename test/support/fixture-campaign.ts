import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CLI = resolve('dist/cli/main.js');

/** What the campaign tests read of summary.json. */
export interface FixtureSummary {
  bugs: { signature: string; class: string; ops: string[]; verdict: string; dir: string; seenOn: string[]; occurrences: number; reduced?: { nodes: number; dir: string }; setup?: unknown }[];
  perBackend: Record<string, { unsupported: Record<string, number>; skippedKnown: number }>;
  unconfirmed: number;
  internalErrors: unknown[];
}

/**
 * A campaign of the built CLI, as a user runs it, against a fixture SUT (the module `fixture`, SUT
 * `sut`) into `out`, with the given generator and range flags. The input search ends by steps (a
 * large --search-ms only caps it), so a loaded machine judges the same tests; SUT requests time out
 * after 5 s.
 */
export function fuzzFixture(args: { fixture: string; sut: string; out: string; flags: readonly string[] }): { run: SpawnSyncReturns<string>; summary: FixtureSummary } {
  const command = [
    CLI, 'fuzz', '--time', '3600', ...args.flags,
    '--timeout', '5', '--search-steps', '40', '--search-ms', '5000',
    '--backends', args.sut, '--backend-module', resolve(args.fixture), '--out', args.out,
  ];
  const run = spawnSync(process.execPath, command, { encoding: 'utf8' });
  return { run, summary: JSON.parse(readFileSync(join(args.out, 'summary.json'), 'utf8')) as FixtureSummary };
}

/** Bugs as `class [ops]`, sorted: what a campaign lists, against what a fixture planted. */
export function bugLabels(bugs: readonly { class: string; ops: readonly string[] }[]): string[] {
  return bugs.map((b) => `${b.class} [${b.ops.join(', ')}]`).sort();
}
