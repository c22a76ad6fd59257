import { describe, expect, it } from 'vitest';
import { compareOutputs } from '../../src/oracles/compare.js';
import { bugSignature, holdsTrigger, normalizeMessage, triggerOf } from '../../src/oracles/signature.js';
import { makeTensor } from '../../src/ir/tensor.js';
import type { Model } from '../../src/ir/model.js';
import { smallModel } from '../helpers.js';

const outputs = [{ name: 'y', dtype: 'float32' as const, shape: [2, 2] }];
const expected = new Map([['y', makeTensor('float64', [2, 2], [1, 2, 3, 1000])]]);
const judge = (values: number[]) =>
  compareOutputs({ backend: 'sut', outputs, expected, actual: new Map([['y', makeTensor('float32', [2, 2], values)]]) });

describe('compareOutputs', () => {
  it('accepts float32 rounding error and records the worst element', () => {
    const v = judge([1.0000001, 2, 3, 1000.0001]);
    expect(v.kind).toBe('ok');
    expect(v.worst!.errorRatio).toBeLessThan(1);
  });

  it('reports a wrong result at the worst element with its position and both values', () => {
    const v = judge([1, 2, 3.5, 1000]);
    expect(v.kind).toBe('wrong-result');
    expect(v.worst).toMatchObject({ output: 'y', index: 2, position: [1, 0], expected: 3, actual: 3.5 });
  });

  it('scales the absolute tolerance with the magnitude of the reference', () => {
    // 0.05 off an element near 0 is within 1e-4 * 1000 of an output whose largest value is 1000.
    const big = new Map([['y', makeTensor('float64', [2, 2], [0, 2, 3, 1000])]]);
    const v = compareOutputs({ backend: 'sut', outputs, expected: big, actual: new Map([['y', makeTensor('float32', [2, 2], [0.05, 2, 3, 1000])]]) });
    expect(v.kind).toBe('ok');
  });

  it('calls NaN or Inf against a finite value a nan-mismatch', () => {
    expect(judge([1, NaN, 3, 1000]).kind).toBe('nan-mismatch');
    expect(judge([1, 2, Infinity, 1000]).kind).toBe('nan-mismatch');
  });

  it('treats a float32 overflow of the reference as Inf (what a float32 SUT must give)', () => {
    const huge = new Map([['y', makeTensor('float64', [2, 2], [1, 2, 3, 1e39])]]);
    const v = compareOutputs({ backend: 'sut', outputs, expected: huge, actual: new Map([['y', makeTensor('float32', [2, 2], [1, 2, 3, Infinity])]]) });
    expect(v.kind).toBe('ok');
  });

  it('reports a wrong shape', () => {
    const v = compareOutputs({ backend: 'sut', outputs, expected, actual: new Map([['y', makeTensor('float32', [4], [1, 2, 3, 1000])]]) });
    expect(v.kind).toBe('wrong-result');
    expect(v.message).toMatch(/shape \[4\], expected \[2, 2\]/);
  });
});

describe('bug signatures', () => {
  it('normalize away numbers, names and paths', () => {
    expect(normalizeMessage("Node (n3_MatMul) input 'v12' dim 7 != 4 in /tmp/x/model.onnx")).toBe(
      normalizeMessage("Node (n9_MatMul) input 'v2' dim 3 != 5 in /home/y/model.onnx"),
    );
  });

  it('are equal for the same bug seen twice and differ by backend or verdict', () => {
    const a = bugSignature({ kind: 'runtime-error', backend: 'ort-all', message: "bad dim 3 in 'v1'" }, smallModel());
    const b = bugSignature({ kind: 'runtime-error', backend: 'ort-all', message: "bad dim 9 in 'v7'" }, smallModel());
    const c = bugSignature({ kind: 'runtime-error', backend: 'ort-basic', message: "bad dim 3 in 'v1'" }, smallModel());
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(a.ops).toEqual(['Add', 'MatMul', 'Relu']);
  });

  it('do not split a bug by lists of numbers of other lengths, ranks or shapes', () => {
    const messages = [
      'Transpose: unsupported permutation [1, 0, 2] for shape [2,3,4]',
      'Transpose: unsupported permutation [3, 1, 0, 2] for shape [5,1,2,7]',
      'Transpose: unsupported permutation [] for shape []',
      'Transpose: unsupported permutation (0) for shape {4}',
    ];
    expect(new Set(messages.map(normalizeMessage)).size).toBe(1);
    expect(normalizeMessage('Got invalid dimensions for input: in0 for the following indices index: 0 Got: 2 Expected: 3')).toBe(
      normalizeMessage('Got invalid dimensions for input: in3 for the following indices index: 1 Got: 12 Expected: 5'),
    );
    expect(normalizeMessage('shape 2x3x4 is too large')).toBe(normalizeMessage('shape 7 is too large'));
    // onnxruntime-web wraps the core's message: one bug of the core on node and on the web.
    expect(normalizeMessage("Can't create a session. ERROR_CODE: 2, ERROR_MESSAGE: Invalid model. Node input 'v17' is not a graph input")).toBe(
      normalizeMessage("Invalid model. Node input 'v3' is not a graph input"),
    );
  });

  it('group one root cause across the SUTs of a family, and wrong values with NaN mismatches', () => {
    const model = smallModel();
    const atBasic = bugSignature({ kind: 'wrong-result', backend: 'ort-basic' }, model, { family: 'onnxruntime' });
    const atAll = bugSignature({ kind: 'nan-mismatch', backend: 'ort-all' }, model, { family: 'onnxruntime' });
    const tfjs = bugSignature({ kind: 'wrong-result', backend: 'tfjs-cpu' }, model);
    expect(atBasic.hash).toBe(atAll.hash);
    expect(atBasic.class).toBe('numeric');
    expect(tfjs.hash).not.toBe(atBasic.hash);
    expect(tfjs.family).toBe('tfjs-cpu');
  });

  it('name ops by the kernel the SUT runs them with, and memory violations by their ops alone', () => {
    const trilu = { ...smallModel(), nodes: [{ ...smallModel().nodes[0]!, op: 'Trilu' }] };
    const where = { ...smallModel(), nodes: [{ ...smallModel().nodes[0]!, op: 'Where' }] };
    const kernelOf = (op: string) => (op === 'Trilu' ? 'Where' : op);
    const oob = { kind: 'runtime-error' as const, backend: 'tfjs-wasm', message: 'memory access out of bounds' };
    const abort = { kind: 'runtime-error' as const, backend: 'tfjs-wasm', message: 'Aborted(). Build with -sASSERTIONS for more info.' };
    const a = bugSignature(oob, trilu, { kernelOf });
    expect(a).toMatchObject({ class: 'memory', ops: ['Trilu'], pattern: 'memory' });
    expect(bugSignature(abort, where, { kernelOf }).hash).toBe(a.hash);
    expect(triggerOf(trilu, undefined, kernelOf)).toEqual(['Where(float32)']);
  });

  it('name a state bug by the test that breaks the SUT', () => {
    const victim = smallModel();
    const setup = { ...victim, nodes: victim.nodes.slice(0, 1) };
    const s1 = bugSignature({ kind: 'wrong-result', backend: 'sut' }, victim, { setup });
    const s2 = bugSignature({ kind: 'runtime-error', backend: 'sut', message: 'boom' }, { ...victim, nodes: victim.nodes.slice(1) }, { setup });
    expect(s1.class).toBe('state');
    expect(s1.ops).toEqual([setup.nodes[0]!.op]);
    expect(s2.hash).toBe(s1.hash);
  });
});

describe('bug triggers', () => {
  it('are the nodes as op(dtype of T), of the whole model or of one output cone', () => {
    const model = smallModel();
    expect(triggerOf(model)).toEqual(['Add(float32)', 'MatMul(float32)', 'Relu(float32)']);
    expect(triggerOf(model, model.nodes[0]!.outputs[0]!.name)).toEqual(['Relu(float32)']);
    expect(holdsTrigger(triggerOf(model), ['Relu(float32)'])).toBe(true);
    expect(holdsTrigger(triggerOf(model), ['Relu(int32)'])).toBe(false);
    expect(holdsTrigger(triggerOf(model), [])).toBe(false);
  });
});

describe('toleranceDtypes', () => {
  it('judges a float64 output computed from float32 values at float32 tolerance', async () => {
    const { toleranceDtypes } = await import('../../src/oracles/precision.js');
    const model: Model = {
      opset: 17,
      inputs: [
        { name: 'x', dtype: 'float32' as const, shape: [2] },
        { name: 'd', dtype: 'float64' as const, shape: [2] },
      ],
      weights: [],
      nodes: [
        { name: 'c', op: 'Cast', inputs: ['x'], outputs: [{ name: 'x64', dtype: 'float64' as const, shape: [2] }], attrs: { to: 11 } },
        { name: 'a', op: 'Add', inputs: ['d', 'd'], outputs: [{ name: 'pure', dtype: 'float64' as const, shape: [2] }], attrs: {} },
        { name: 'b', op: 'Add', inputs: ['x64', 'd'], outputs: [{ name: 'mixed', dtype: 'float64' as const, shape: [2] }], attrs: {} },
      ],
      outputs: ['pure', 'mixed'],
    };
    const dtypes = toleranceDtypes(model);
    expect(dtypes.get('pure')).toBe('float64');
    expect(dtypes.get('mixed')).toBe('float32');
    const expected = new Map([['mixed', makeTensor('float64', [2], [1, 2])]]);
    const actual = new Map([['mixed', makeTensor('float64', [2], [1 + 1e-6, 2])]]);
    const outs = [{ name: 'mixed', dtype: 'float64' as const, shape: [2] }];
    expect(compareOutputs({ backend: 's', outputs: outs, expected, actual }).kind).toBe('wrong-result');
    expect(compareOutputs({ backend: 's', outputs: outs, expected, actual, toleranceDtypes: dtypes }).kind).toBe('ok');
  });
});
