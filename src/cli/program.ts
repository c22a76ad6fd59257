import { Command, CommanderError } from 'commander';
import { UserError } from '../ir/errors.js';
import { backendsCommand } from './commands/backends.js';
import { conformanceCommand } from './commands/conformance.js';
import { fuzzCommand } from './commands/fuzz.js';
import { genCommand } from './commands/gen.js';
import { opsCommand } from './commands/ops.js';
import { runCommand } from './commands/run.js';
import { mergeCommand } from './commands/merge.js';
import { reproCommand } from './commands/repro.js';
import { reduceCommand } from './commands/reduce.js';
import { reportCommand } from './commands/report.js';
import { knownCommand } from './commands/known.js';
import { coverageCommand } from './commands/coverage.js';
import { EXIT_ERROR, EXIT_OK, type CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';
import { CONFIG_FILE, readConfigFile } from '../store/config-file.js';
import { applyConfig } from './config-file.js';

/**
 * Runs the CLI on argv (without the node and script entries) and returns the exit code:
 * 0 no bug, 1 bugs found, 2 usage or internal error. Never exits the process itself.
 */
export async function runCli(argv: readonly string[], io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  let exitCode = EXIT_OK;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('tensorsmith')
    .description('Differential fuzzer for deep-learning compilers and runtimes')
    .version(TOOL_VERSION)
    .option('--config <path>', `a config file of flag values (default: ./${CONFIG_FILE} when it exists)`)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  // Config file values fill in the flags a command line leaves at their defaults.
  program.hook('preAction', (root, action) => {
    const path = root.opts<{ config?: string }>().config;
    const config = readConfigFile(path ?? CONFIG_FILE, path !== undefined);
    if (config) applyConfig(action, config, root.commands.map((c) => c.name()), path ?? CONFIG_FILE);
  });
  genCommand(program, io, setExit);
  runCommand(program, io, setExit);
  fuzzCommand(program, io, setExit, now);
  conformanceCommand(program, io, setExit);
  opsCommand(program, io, setExit);
  backendsCommand(program, io, setExit);
  mergeCommand(program, io, setExit);
  reproCommand(program, io, setExit);
  reduceCommand(program, io, setExit);
  reportCommand(program, io, setExit);
  knownCommand(program, io, setExit, now);
  coverageCommand(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (e instanceof UserError) {
      io.err(`tensorsmith: ${e.message}\n`);
      return EXIT_ERROR;
    }
    const err = e as Error;
    io.err(`tensorsmith: internal error: ${err.message}\n`);
    if (io.debug) io.err(`${err.stack}\n`);
    else io.err('(set TENSORSMITH_DEBUG=1 for the stack trace, and please report it)\n');
    return EXIT_ERROR;
  }
}
