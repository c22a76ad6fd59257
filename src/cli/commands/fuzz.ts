import { join } from 'node:path';
import type { Command } from 'commander';
import { runFuzzCampaign } from '../../campaign/fuzz.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { EXIT_BUGS, EXIT_OK, type CliIo } from '../io.js';
import { parsePositiveInt, parsePositiveNumber } from '../options.js';
import { backendOptions, createAdapters, type BackendFlags } from './backend-flags.js';
import { statusLine } from '../status-line.js';
import { TOOL_VERSION } from '../version.js';
import { generatorConfig, generatorOptions, inputChoice, inputSearchOptions, type GeneratorFlags, type InputSearchFlags } from './generator-flags.js';

export const DEFAULT_FUZZ_BACKENDS = 'ort-disabled,ort-basic,ort-extended,ort-all';

interface FuzzFlags extends GeneratorFlags, BackendFlags, InputSearchFlags {
  time: string;
  seed?: string;
  out?: string;
  maxTests?: string;
}

export function fuzzCommand(program: Command, io: CliIo, setExit: (code: number) => void, now: () => Date): void {
  inputSearchOptions(generatorOptions(
    backendOptions(
      program
        .command('fuzz')
        .description('run a time-boxed fuzz campaign; writes a case folder per bug and summary.json to --out')
        .option('--time <seconds>', 'wall-clock budget in seconds', '60')
        .option('--seed <seed>', 'campaign seed (default: from the clock, printed)')
        .option('--out <dir>', 'campaign folder (default: reports/<date>-<seed>)')
        .option('--max-tests <n>', 'stop after this many tests'),
      DEFAULT_FUZZ_BACKENDS,
    ),
  )).action(async (opts: FuzzFlags) => {
    const timeSec = parsePositiveNumber('--time', opts.time);
    const generator = generatorConfig(opts);
    const inputs = inputChoice(opts);
    const maxTests = opts.maxTests === undefined ? undefined : parsePositiveInt('--max-tests', opts.maxTests);
    const seed = opts.seed ?? String(now().getTime());
    const outDir = opts.out ?? join('reports', `${now().toISOString().slice(0, 10)}-${seed}`);
    const { adapters, close } = await createAdapters(opts, io.cacheDir);
    const registry = builtinRegistry();
    io.err(`tensorsmith ${TOOL_VERSION}: fuzzing ${adapters.map((a) => a.name).join(', ')} for ${timeSec}s, seed ${seed}, into ${outDir}\n`);
    const status = statusLine(io, timeSec);
    const summary = await runFuzzCampaign({
      seed,
      timeSec,
      ...(maxTests !== undefined ? { maxTests } : {}),
      outDir,
      generator,
      inputs,
      adapters,
      registry,
      toolVersion: TOOL_VERSION,
      onProgress: status.update,
      shouldStop: io.interrupted,
    }).finally(close);
    status.done();
    const counts = Object.entries(summary.verdicts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    io.out(`${summary.tests} tests in ${summary.elapsedSec.toFixed(1)}s (${summary.testsPerSec.toFixed(1)}/s), ${summary.discarded} discarded; verdicts: ${counts}\n`);
    for (const b of summary.bugs) io.out(`bug ${b.verdict} on ${b.backend} (x${b.occurrences}): ${b.dir}${b.message ? `\n    ${b.message}` : ''}\n`);
    io.out(`summary: ${join(outDir, 'summary.json')}\n`);
    setExit(summary.bugs.length > 0 ? EXIT_BUGS : EXIT_OK);
  });
}
