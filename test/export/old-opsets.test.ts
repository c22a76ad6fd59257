import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFromOnnx } from '../../src/export/from-onnx.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generate } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { modelToJson } from '../../src/ir/json.js';
import type { Model } from '../../src/ir/model.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();

/** A one-node float32 model over a [2, 3] input x at an opset. */
function oneNode(opset: number, op: string, attrs: Model['nodes'][number]['attrs'], outShape: number[]): Model {
  return {
    opset,
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
    weights: [],
    nodes: [{ name: 'n', op, inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: outShape }], attrs }],
    outputs: ['y'],
  };
}

describe('ONNX export and import at opsets 7 to 12', () => {
  it('export then import is the identity on generated models', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 7, max: 12 }), async (seed, opset) => {
        const { model } = await generate({ maxNodes: 8, opset }, registry, new Rng(seed));
        const back = modelFromOnnx(modelToOnnx(model, registry), registry);
        expect(modelToJson(back)).toBe(modelToJson(model));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the attribute forms of older versions (Clip-6 bounds, Squeeze-11 axes, Split-2 sizes)', () => {
    const models = [
      oneNode(9, 'Clip', { min: -1, max: 2 }, [2, 3]),
      oneNode(11, 'Unsqueeze', { axes: [-1] }, [2, 3, 1]),
      oneNode(7, 'Softmax', { axis: 1 }, [2, 3]),
    ];
    for (const model of models) {
      const back = modelFromOnnx(modelToOnnx(model, registry), registry);
      expect(modelToJson(back)).toBe(modelToJson(model));
    }
  });

  it('refuses a negative axis before opset 11 and an attribute where the version takes an input', () => {
    expect(() => modelFromOnnx(modelToOnnx(oneNode(11, 'Unsqueeze', { axes: [-1] }, [2, 3, 1]), registry), registry)).not.toThrow();
    const negative = oneNode(11, 'Unsqueeze', { axes: [-1] }, [2, 3, 1]);
    expect(() => modelFromOnnx(modelToOnnx({ ...negative, opset: 10 }, registry), registry)).toThrow(/not negative/);
    const clip = oneNode(9, 'Clip', { min: -1 }, [2, 3]);
    expect(() => modelFromOnnx(modelToOnnx({ ...clip, opset: 13 }, registry), registry)).toThrow();
  });
});
