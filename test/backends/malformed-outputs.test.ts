import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAdapterModule } from '../../src/backends/external.js';
import { isolate, type IsolatedAdapter } from '../../src/backends/isolation/isolated-adapter.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { evaluateOnBackend } from '../../src/oracles/evaluate.js';

const FIXTURE = resolve('test/fixtures/malformed-adapter.mjs');
const registry = builtinRegistry();
const model: Model = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
  weights: [],
  nodes: [{ name: 'n', op: 'Relu', inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: [2] }], attrs: {} }],
  outputs: ['y'],
};
const inputs = new Map([['x', makeTensor('float32', [2], [-1, 2])]]);
const expected = new Map([['y', makeTensor('float32', [2], [0, 2])]]);
const artifact = { model, onnx: modelToOnnx(model, registry) };

const MESSAGES: Record<string, RegExp> = {
  'returns-object': /^the adapter 'returns-object' returned an Object from run\(\), not a Map of output name to tensor$/,
  'returns-array-data': /^the adapter 'returns-array-data' returned an output 'y' that has data an Array, not a typed array/,
  'returns-nothing': /^the adapter 'returns-nothing' returned no output 'y' \(it returned none\)$/,
  'returns-short-data': /^the adapter 'returns-short-data' returned an output 'y' that has 1 values for shape \[2\] \(2 elements\)$/,
};

describe('an adapter whose run() returns its outputs in a wrong form', async () => {
  const local = await loadAdapterModule(FIXTURE);
  const isolated: IsolatedAdapter[] = [];
  afterAll(() => isolated.forEach((a) => a.close()));

  it.each(Object.keys(MESSAGES))('gets a runtime-error naming the adapter and the mistake: %s', async (name) => {
    const adapter = local.find((a) => a.name === name)!;
    const here = await evaluateOnBackend(adapter, artifact, inputs, expected);
    expect(here.verdict).toMatchObject({ kind: 'runtime-error', backend: name });
    expect(here.verdict.message).toMatch(MESSAGES[name]!);
    // The same through an isolation worker, where the reply crosses a process boundary.
    const sut = isolate(adapter, { module: FIXTURE, name }, { timeoutMs: 20_000, memoryLimitMb: 4096 });
    isolated.push(sut);
    const there = await evaluateOnBackend(sut, artifact, inputs, expected);
    expect(there.verdict).toMatchObject({ kind: 'runtime-error', backend: name });
    expect(there.verdict.message).toMatch(name === 'returns-object' ? /the adapter 'returns-object' returned an Object from run\(\)/ : MESSAGES[name]!);
  }, 60_000);
});
