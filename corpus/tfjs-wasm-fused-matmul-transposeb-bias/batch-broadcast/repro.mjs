#!/usr/bin/env node
// A tensorsmith bug case. CASE below records it: the kind of bug, the SUT it was found on and
// that SUT's package and version, the seed and test that found it, its signature and the model.
//
// No standalone script: tensorsmith runs TensorFlow.js through its own ONNX-to-tfjs translation (tfjs has no ONNX loader).
// This one replays the case with the tensorsmith CLI that wrote it (CLI below), or, once that is
// gone, with a tensorsmith installed where `npx --no-install` finds it. Exit code 1 while the bug
// is there, 0 once it is gone, 2 when it cannot run. Extra arguments go to tensorsmith repro:
//   node repro.mjs [--backend-module PATH]

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CASE = {
  "kind": "wrong-result",
  "backend": "tfjs-wasm",
  "message": "output 'v27'[0, 1, 0] is 1, expected -1 ± 6.0e-8: 3.4e+7 times the bound",
  "sut": {
    "package": "@tensorflow/tfjs",
    "version": "4.22.0"
  },
  "seed": "tensorsmith run /tmp/tbcase/model.json --seed 0",
  "testIndex": 0,
  "toolVersion": "0.1.0",
  "signature": "5cf5b7cf78ada9e1",
  "model": {
    "nodes": 2,
    "ops": [
      "MatMul",
      "Add"
    ],
    "opset": 17
  }
};
const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

const folder = fileURLToPath(new URL('.', import.meta.url));
const reproArgs = ['repro', folder, ...process.argv.slice(2)];

// Exit 2 when the replay cannot run at all: 1 stands for the bug only.
function cannotRun(why) {
  console.error('repro.mjs cannot run: ' + why);
  process.exit(2);
}

console.log('tensorsmith bug case: ' + CASE.kind + ' on ' + CASE.backend + '; replaying it with tensorsmith repro');

// The CLI that wrote this case, run with this node; once that is gone, a tensorsmith installed
// here: --no-install keeps npx from fetching whatever the registry holds under the name.
const ownCli = existsSync(CLI);
function tensorsmith(args, stdio) {
  return ownCli
    ? spawnSync(process.execPath, [CLI, ...args], { stdio })
    : spawnSync('npx', ['--no-install', 'tensorsmith', ...args], { stdio, shell: process.platform === 'win32' });
}

// A tensorsmith that cannot start exits 1 (node on a module it cannot load, npx on finding none),
// as tensorsmith repro does while the bug is there: ask it for its version first.
const probe = tensorsmith(['--version'], 'ignore');
if (probe.error || probe.status !== 0) {
  cannotRun(
    ownCli
      ? 'the tensorsmith CLI that wrote this case (' + CLI + ') does not start: ' + (probe.error ? probe.error.message : '--version exits ' + probe.status)
      : 'the tensorsmith CLI that wrote this case (' + CLI + ') is gone and npx finds no tensorsmith installed here (this case was written by tensorsmith ' + CASE.toolVersion + ')',
  );
}
const run = tensorsmith(reproArgs, 'inherit');
if (run.error) cannotRun('could not run tensorsmith repro: ' + run.error.message);
// No exit status (killed by a signal) is no verdict either.
process.exit(run.status ?? 2);
