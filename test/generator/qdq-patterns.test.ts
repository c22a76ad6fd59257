import { describe, expect, it } from 'vitest';
import { rewritesOf, sessionWithDiff } from '../../src/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { GraphBuilder } from '../../src/generator/graph-builder.js';
import { PATTERNS } from '../../src/generator/patterns/index.js';
import { insertPattern } from '../../src/generator/patterns/insert-pattern.js';
import { Rng } from '../../src/generator/rng.js';
import { loadZ3, Z3Fallback } from '../../src/generator/smt/z3-solver.js';
import type { Model } from '../../src/ir/model.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { validateModel } from '../../src/opspec/validate.js';

const registry = builtinRegistry();

/** A QDQ pattern built after one graph input, in a model of float32, uint8 and int8 values. */
async function build(name: string): Promise<Model> {
  const pattern = PATTERNS.find((p) => p.name === name)!;
  const z3 = await loadZ3();
  for (let i = 0; i < 4; i++) {
    const rng = new Rng(`${name}/${i}`);
    const solver = new Z3Fallback(z3, rng.fork('z3'));
    try {
      const builder = new GraphBuilder({ dtypes: ['float32', 'uint8', 'int8'], maxElements: 4096, maxRank: 4, opset: 17 }, registry, rng, solver);
      const input = builder.addInput('float32', pattern.inputs[0]!.rank[0]);
      const inserted = await insertPattern({ builder, pattern, registry, rng, backward: false, prefer: input.name });
      if (inserted.complete) return builder.concretize();
    } finally {
      solver.dispose();
    }
  }
  throw new Error(`${name} could not be built`);
}

/** The rewrites onnxruntime performs on the model at one level. */
async function rewrites(model: Model, level: 'basic' | 'extended' | 'all'): Promise<string[]> {
  const { session, diff } = await sessionWithDiff(modelToOnnx(model, registry), level);
  await session.release();
  return rewritesOf(diff);
}

describe('QDQ patterns', () => {
  it('are valid models whose scales and zero points are exact constants', async () => {
    const model = await build('qdq-conv');
    validateModel(model, registry);
    expect(model.nodes.map((n) => n.op)).toEqual(['QuantizeLinear', 'DequantizeLinear', 'DequantizeLinear', 'Conv', 'QuantizeLinear', 'DequantizeLinear']);
    expect(model.weights.filter((w) => w.value.dtype === 'uint8' || w.value.shape.length === 0).every((w) => w.fixed === true)).toBe(true);
  });

  it('make onnxruntime fuse a QDQ Conv into QLinearConv at extended, and not at basic', async () => {
    const model = await build('qdq-conv');
    expect(await rewrites(model, 'basic')).not.toContain('QDQSelectorActionTransformer:QLinearConv');
    expect(await rewrites(model, 'extended')).toContain('QDQSelectorActionTransformer:QLinearConv');
  }, 60_000);

  it('make onnxruntime remove the middle DQ -> Q pair of a double QDQ at basic', async () => {
    expect(await rewrites(await build('qdq-double'), 'basic')).toContain('QDQPairRemoval');
  }, 60_000);
});
