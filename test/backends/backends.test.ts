import { describe, expect, it } from 'vitest';
import { builtinBackends, BackendRegistry } from '../../src/backends/registry.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { UserError } from '../../src/ir/errors.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { smallModel } from '../helpers.js';

const registry = builtinRegistry();
const inputs = new Map([
  ['x', makeTensor('float32', [2, 3], [1, -1, 2, 0, 3, -4])],
  ['y', makeTensor('float32', [2], [10, 20])],
]);

describe('built-in backends', () => {
  it.each(['ort-disabled', 'ort-basic', 'ort-extended', 'ort-all', 'ort-web-wasm', 'ref-cpu'])('%s runs a model and returns named outputs in the model dtype', async (name) => {
    const adapter = builtinBackends().create(name);
    const model = smallModel();
    const prepared = await adapter.prepare({ model, onnx: modelToOnnx(model, registry) });
    const out = await adapter.run(prepared, inputs);
    await adapter.release?.(prepared);
    expect(out.get('out')!.dtype).toBe('float32');
    expect(Array.from(out.get('out')!.data)).toEqual([21, 34, 19, 32]);
    const d = await adapter.describe();
    expect(d.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('ort rejects a malformed model at prepare (a compile error)', async () => {
    const adapter = builtinBackends().create('ort-all');
    await expect(adapter.prepare({ model: smallModel(), onnx: new Uint8Array([8, 1, 2, 3]) })).rejects.toThrow();
  });

  it('an unknown backend is a user error that lists the known ones', () => {
    expect(() => builtinBackends().create('tvm')).toThrow(UserError);
    expect(() => builtinBackends().create('tvm')).toThrow(/known: ort-disabled, ort-basic, ort-extended, ort-all, ort-web-wasm, ref-cpu/);
  });

  it('the registry throws on a duplicate name', () => {
    const r = new BackendRegistry();
    r.register('a', () => builtinBackends().create('ref-cpu'));
    expect(() => r.register('a', () => builtinBackends().create('ref-cpu'))).toThrow(/registered twice/);
  });
});

describe('static support knowledge', () => {
  it('gives unsupported, not a bug, for an op/dtype onnxruntime does not implement', async () => {
    const { evaluateOnBackend } = await import('../../src/oracles/evaluate.js');
    const model = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'int64' as const, shape: [3] }],
      weights: [],
      nodes: [{ name: 'r', op: 'Relu', inputs: ['x'], outputs: [{ name: 'y', dtype: 'int64' as const, shape: [3] }], attrs: {} }],
      outputs: ['y'],
    };
    const x = makeTensor('int64', [3], [-1, 0, 2]);
    const outcome = await evaluateOnBackend(builtinBackends().create('ort-disabled'), { model, onnx: modelToOnnx(model, registry) }, new Map([['x', x]]), new Map([['y', makeTensor('int64', [3], [0, 0, 2])]]));
    expect(outcome.verdict.kind).toBe('unsupported');
    expect(outcome.verdict.message).toMatch(/Relu\(int64\)/);
  });
});
