#!/usr/bin/env node
// The only file that touches the process: argv, stdout/stderr, signals and the exit code.
import { runCli } from './program.js';
import { defaultCacheDir } from '../store/probe-cache.js';

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\ninterrupted: finishing the current test and writing the summary (Ctrl-C again to abort)\n');
});

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTty: process.stderr.isTTY === true,
  interrupted: () => interrupted,
  debug: Boolean(process.env.TENSORSMITH_DEBUG),
  cacheDir: defaultCacheDir(process.env),
  self: { command: process.execPath, args: [...process.execArgv, process.argv[1]!] },
});
// z3-solver and onnxruntime keep threads alive: exit explicitly once output is flushed.
process.stdout.write('', () => process.exit(code));
