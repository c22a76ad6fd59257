import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { modelFromOnnx } from '../../src/export/from-onnx.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generate } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { modelToJson } from '../../src/ir/json.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { OpRegistry } from '../../src/opspec/registry.js';
import { smallModel } from '../helpers.js';

const registry = builtinRegistry();

describe('ONNX export and import', () => {
  it('export then import is the identity on generated models', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 12 }), async (seed, maxNodes) => {
        const { model } = await generate({ maxNodes }, registry, new Rng(seed));
        const back = modelFromOnnx(modelToOnnx(model, registry), registry);
        expect(modelToJson(back)).toBe(modelToJson(model));
      }),
      // [0, 5] holds a pattern's fixed constant, which the ONNX file must carry (as the initializer's doc_string).
      { numRuns: 150, examples: [[0, 5]] },
    );
  });

  it('writes bytes onnxruntime loads, with the declared inputs and outputs', async () => {
    const session = await ort.InferenceSession.create(modelToOnnx(smallModel(), registry));
    expect(session.inputNames).toEqual(['x', 'y']);
    expect(session.outputNames).toEqual(['out']);
    await session.release();
  });

  it('is deterministic', () => {
    const a = modelToOnnx(smallModel(), registry);
    const b = modelToOnnx(smallModel(), registry);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('reports an unsupported op on import as such', () => {
    const bytes = modelToOnnx(smallModel(), registry);
    const noRelu = new OpRegistry(registry.all().filter((s) => s.name !== 'Relu'));
    expect(() => modelFromOnnx(bytes, noRelu)).toThrow(/op Relu is not supported/);
    expect(() => modelFromOnnx(new Uint8Array([1, 2, 3]), registry)).toThrow(/not an ONNX model/);
  });
});
