import { join } from 'node:path';
import type { Command } from 'commander';
import { openReproCase } from '../../campaign/repro.js';
import { configBackendModules, createReproAdapters } from '../../campaign/repro-suts.js';
import { UserError } from '../../ir/errors.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { reduceCase } from '../../campaign/reduce-case.js';
import { BUNDLED_CORPUS } from '../../campaign/corpus-bugs.js';
import { EXIT_BUGS, type CliIo } from '../io.js';
import { parseList, parsePositiveInt, parseTimeoutMs } from '../options.js';
import { DEFAULT_REDUCTION_BUDGET } from '../../reduce/search.js';
import { backendOptions, sutHosting, type BackendFlags } from './backend-flags.js';

interface ReduceFlags extends BackendFlags {
  reduceMs: string;
  reduceSteps: string;
}

export function reduceCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = backendOptions(
    program
      .command('reduce')
      .description("shrink a bug case's test while its SUT keeps failing the same way; writes CASE/reduced/ (exit 1: the bug is there)")
      .argument('<case>', 'a bug case folder (with meta.json)')
      .option('--reduce-steps <n>', 'candidates the reduction may judge on the SUT', String(DEFAULT_REDUCTION_BUDGET.checks))
      .option('--reduce-ms <ms>', 'wall-clock cap of the reduction in milliseconds', String(DEFAULT_REDUCTION_BUDGET.ms)),
    '',
  );
  const backends = command.options.find((o) => o.long === '--backends');
  if (backends) backends.defaultValueDescription = "the case's SUT";
  command.action(async (casePath: string, opts: ReduceFlags) => {
    const budget = { checks: parsePositiveInt('--reduce-steps', opts.reduceSteps), ms: parsePositiveInt('--reduce-ms', opts.reduceMs) };
    const registry = builtinRegistry();
    const c = openReproCase(casePath, registry);
    const named = parseList(opts.backends);
    if (named.length > 1) throw new UserError(`reduce works on one SUT at a time; --backends names ${named.length} (${named.join(', ')})`);
    const backend = named[0] ?? c.meta.verdict.backend;
    const suts = await createReproAdapters([backend], sutHosting(opts, configBackendModules(c.meta.config, join(casePath, 'meta.json')), io.cacheDir));
    const from = c.test.model.nodes.length;
    const progress = io.errIsTty ? (nodes: number) => io.err(`\r\x1b[2Kreducing: ${from} -> ${nodes} nodes`) : undefined;
    const { dir, reduced, knownBug } = await reduceCase({
      case: c,
      adapter: suts.adapters[0]!,
      registry,
      budget,
      timeoutMs: parseTimeoutMs(opts.timeout),
      ...(progress ? { onProgress: progress } : {}),
    }).finally(() => {
      suts.close();
      if (progress) io.err('\r\x1b[2K');
    });
    const { stats } = reduced;
    const note = stats.complete ? '' : stats.timedOut ? ' (the wall-clock cap ended it; a larger --reduce-ms may shrink it further)' : ' (the step budget ended it; a larger --reduce-steps may shrink it further)';
    io.out(`reduced from ${stats.fromNodes} to ${stats.toNodes} nodes in ${(stats.ms / 1000).toFixed(1)} s (${stats.checks} checks): ${dir}${note}\n`);
    io.out(`${reduced.verdict.kind} on ${reduced.verdict.backend}${reduced.verdict.message ? `: ${reduced.verdict.message}` : ''}\n`);
    if (knownBug) io.out(`a known bug: corpus/${knownBug.corpus} (${knownBug.reason}); its report: ${join(BUNDLED_CORPUS, knownBug.corpus, 'README.md')}\n`);
    setExit(EXIT_BUGS);
  });
}
