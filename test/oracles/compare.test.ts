import { describe, expect, it } from 'vitest';
import { compareOutputs } from '../../src/oracles/compare.js';
import { bugSignature, normalizeMessage } from '../../src/oracles/signature.js';
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
