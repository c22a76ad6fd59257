import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/cli/io.js';
import type { Model } from '../src/ir/model.js';
import { makeTensor } from '../src/ir/tensor.js';

export function tempDir(prefix = 'tensorsmith-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A CliIo that records what a command prints. */
export function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    errIsTty: false,
    interrupted: () => false,
    stdout: () => out,
    stderr: () => err,
  };
}

/** x[2,3] -> Relu -> MatMul with a [3,2] weight -> Add y[2] */
export function smallModel(): Model {
  return {
    opset: 17,
    inputs: [
      { name: 'x', dtype: 'float32', shape: [2, 3] },
      { name: 'y', dtype: 'float32', shape: [2] },
    ],
    weights: [{ name: 'w', value: makeTensor('float32', [3, 2], [1, 2, 3, 4, 5, 6]) }],
    nodes: [
      { name: 'relu', op: 'Relu', inputs: ['x'], outputs: [{ name: 'r', dtype: 'float32', shape: [2, 3] }], attrs: {} },
      { name: 'mm', op: 'MatMul', inputs: ['r', 'w'], outputs: [{ name: 'm', dtype: 'float32', shape: [2, 2] }], attrs: {} },
      { name: 'add', op: 'Add', inputs: ['m', 'y'], outputs: [{ name: 'out', dtype: 'float32', shape: [2, 2] }], attrs: {} },
    ],
    outputs: ['out'],
  };
}
