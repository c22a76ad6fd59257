import { describe, expect, it } from 'vitest';
import { decodeOnnxModel, modelFromOnnx } from '../../src/export/from-onnx.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generateModel } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();

const constantOfShape = (value: readonly number[]): Model => ({
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float64', shape: [2, 3] }],
  weights: [{ name: 'shape', value: makeTensor('int64', [2], [2, 3]) }],
  nodes: [
    { name: 'c', op: 'ConstantOfShape', inputs: ['shape'], outputs: [{ name: 'k', dtype: 'float64', shape: [2, 3] }], attrs: { value } },
    { name: 'a', op: 'Add', inputs: ['x', 'k'], outputs: [{ name: 'y', dtype: 'float64', shape: [2, 3] }], attrs: {} },
  ],
  outputs: ['y'],
});

describe("a one-element tensor attribute (ConstantOfShape's value)", () => {
  it('is exported as a TENSOR attribute of its dtype and imported back as [code, value]', () => {
    const model = constantOfShape([11, 0.1]);
    const bytes = modelToOnnx(model, registry);
    const attr = decodeOnnxModel(bytes).graph!.node![0]!.attribute![0]!;
    expect(attr.name).toBe('value');
    expect(attr.t?.dataType).toBe(11);
    expect(modelFromOnnx(bytes, registry).nodes[0]!.attrs).toEqual({ value: [11, 0.1] });
  });

  it('is drawn with the node type and ConstantOfShape and Range (constants alone) appear in generated models', async () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 40 && !(seen.has('ConstantOfShape') && seen.has('Range')); seed++) {
      const { model } = await generateModel({ maxNodes: 4, ops: ['ConstantOfShape', 'Range', 'Relu'], dtypes: ['float32'] }, registry, new Rng(`tensor-attr/${seed}`));
      for (const node of model.nodes) {
        seen.add(node.op);
        if (node.op === 'ConstantOfShape' && node.attrs['value'] !== undefined) expect((node.attrs['value'] as number[])[0]).toBe(1);
      }
      // Every generated model exports and imports back.
      expect(modelFromOnnx(modelToOnnx(model, registry), registry).nodes.map((n) => n.op)).toEqual(model.nodes.map((n) => n.op));
    }
    expect([...seen]).toEqual(expect.arrayContaining(['ConstantOfShape', 'Range']));
  });
});
