import { describe, expect, it } from 'vitest';
import { graphDiff, optimizerDiff, rewritesOf } from '../../src/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model, Node, ValueInfo } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();
const f32 = (name: string, shape: number[]): ValueInfo => ({ name, dtype: 'float32', shape });
const weight = (name: string, shape: number[]) => ({ name, value: makeTensor('float32', shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + 1))) });
const node = (name: string, op: string, inputs: string[], out: ValueInfo, attrs: Node['attrs'] = {}): Node => ({ name, op, inputs, outputs: [out], attrs });
const CONV_ATTRS = { auto_pad: 'NOTSET', dilations: [1, 1], kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1 };

/** x -> Conv (constant W) -> Relu; with `secondConsumer`, the Conv's output is also a graph output. */
function convRelu(secondConsumer: boolean): Model {
  return {
    opset: 17,
    inputs: [f32('x', [1, 3, 8, 8])],
    weights: [weight('w', [4, 3, 3, 3])],
    nodes: [node('conv', 'Conv', ['x', 'w'], f32('c', [1, 4, 8, 8]), CONV_ATTRS), node('relu', 'Relu', ['c'], f32('y', [1, 4, 8, 8]))],
    outputs: secondConsumer ? ['y', 'c'] : ['y'],
  };
}

const matMulAdd: Model = {
  opset: 17,
  inputs: [f32('x', [2, 3])],
  weights: [weight('w', [3, 4]), weight('b', [4])],
  nodes: [node('mm', 'MatMul', ['x', 'w'], f32('m', [2, 4])), node('add', 'Add', ['m', 'b'], f32('y', [2, 4]))],
  outputs: ['y'],
};

const identityRelu: Model = {
  opset: 17,
  inputs: [f32('x', [2, 3])],
  weights: [],
  nodes: [node('id', 'Identity', ['x'], f32('i', [2, 3])), node('relu', 'Relu', ['i'], f32('y', [2, 3]))],
  outputs: ['y'],
};

const rewrites = async (model: Model, level: 'disabled' | 'basic' | 'extended' | 'all') => rewritesOf(await optimizerDiff(modelToOnnx(model, registry), level));

describe("onnxruntime's rewrites, read from the optimized model it writes", () => {
  it('names the fusions and eliminations that fire, at the levels where they run', async () => {
    expect(await rewrites(convRelu(false), 'disabled')).toEqual([]);
    expect(await rewrites(convRelu(false), 'basic')).toEqual([]);
    expect(await rewrites(convRelu(false), 'extended')).toEqual(['ConvActivationFusion']);
    expect(await rewrites(matMulAdd, 'basic')).toEqual(['MatMulAddFusion']);
    expect(await rewrites(identityRelu, 'basic')).toEqual(['EliminateIdentity']);
  });

  it('sees no fusion where the fused value has a second consumer (a near-miss)', async () => {
    expect(await rewrites(convRelu(true), 'extended')).not.toContain('ConvActivationFusion');
  });

  it('counts what appeared and went, and names an unknown change by its diff', () => {
    const diff = graphDiff(['MatMul', 'Add', 'Relu', 'Relu'], ['Gemm', 'Relu', 'com.example:Frob']);
    expect(diff).toEqual({ added: { Gemm: 1, 'com.example:Frob': 1 }, removed: { MatMul: 1, Add: 1, Relu: 1 }, after: { Gemm: 1, Relu: 1, 'com.example:Frob': 1 } });
    // A Relu that goes is Relu->Clip fusion only where a Clip remains.
    expect(rewritesOf(graphDiff(['Relu', 'Clip'], ['Clip']))).toEqual(['FuseReluClip']);
    expect(rewritesOf(graphDiff(['Relu', 'Add'], ['Add']))).toEqual(['-Relu']);
    expect(rewritesOf(diff)).toEqual(['MatMulAddFusion']);
    expect(rewritesOf(graphDiff(['Sin', 'Cos'], ['Sin', 'com.example:Frob']))).toEqual(['-Cos +com.example:Frob']);
    expect(rewritesOf(graphDiff(['Relu'], ['Relu']))).toEqual([]);
  });
});
