import { describe, expect, it } from 'vitest';
import { modelFromOnnx } from '../../src/export/from-onnx.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generateModel } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { randomInputs } from '../../src/generator/values.js';
import { searchableLeaves } from '../../src/inputsearch/leaves.js';
import type { Model, Node } from '../../src/ir/model.js';
import { inferConcrete } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const OPS = ['TopK', 'NonZero', 'Compress', 'ScatterElements', 'ScatterND', 'GatherND', 'MaxUnpool', 'Einsum'];

async function singleOps(op: string, count: number, opset = 18): Promise<Model[]> {
  const models: Model[] = [];
  for (let i = 0; models.length < count && i < count * 4; i++) {
    try {
      models.push((await generateModel({ maxNodes: 1, ops: [op], dtypes: ['float32', 'float64', 'int64'], opset }, registry, new Rng(`indexing/${op}/${i}`))).model);
    } catch {
      // A draw the generator could not complete is no instance.
    }
  }
  return models;
}

const nodeOf = (model: Model, op: string): Node => model.nodes.find((n) => n.op === op)!;
const weight = (model: Model, name: string) => model.weights.find((w) => w.name === name)?.value;

describe('the indexing ops in generated models', () => {
  it.each(OPS)('%s: generated, valid, and the values that decide shapes or indices are weights input search leaves alone', async (op) => {
    const models = await singleOps(op, 6);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      const node = nodeOf(model, op);
      const spec = registry.get(op, model.opset);
      const leaves = new Set(searchableLeaves(model, registry).map((l) => l.name));
      node.inputs.forEach((name, i) => {
        const slot = spec.inputs[Math.min(i, spec.inputs.length - 1)]!;
        if (name === '' || !(slot.constantFrom || slot.valueRange)) return;
        expect(weight(model, name), `${op} input ${slot.name} is a weight`).toBeDefined();
        expect(leaves.has(name), `${op} input ${slot.name} is not searched`).toBe(false);
      });
      // The reference runs it, and export then import gives back the same nodes and output shapes.
      const run = runReference(model, randomInputs(model, new Rng('inputs')), { registry });
      expect(run.outputs.size).toBe(model.outputs.length);
      const back = modelFromOnnx(modelToOnnx(model, registry), registry);
      expect(back.nodes.map((n) => n.outputs.map((o) => o.shape))).toEqual(model.nodes.map((n) => n.outputs.map((o) => o.shape)));
    }
  });

  it('draws distinct scatter indices where ONNX leaves repeats undefined', async () => {
    for (const op of ['ScatterElements', 'ScatterND']) {
      for (const model of await singleOps(op, 8)) {
        const node = nodeOf(model, op);
        if ((node.attrs.reduction ?? 'none') !== 'none') continue;
        const data = model.inputs.find((i) => i.name === node.inputs[0]) ?? { shape: weight(model, node.inputs[0]!)!.shape };
        const indices = weight(model, node.inputs[1]!)!;
        if (op === 'ScatterND') {
          const k = indices.shape.at(-1)!;
          const tuples = new Set<string>();
          for (let t = 0; t < indices.data.length / k; t++) {
            tuples.add(Array.from(indices.data.slice(t * k, t * k + k), (v, m) => (v < 0 ? v + data.shape[m]! : v)).join(','));
          }
          expect(tuples.size).toBe(indices.data.length / k);
        } else {
          // The written positions (every coordinate but the axis kept) are distinct.
          const r = data.shape.length;
          const axis = (Number(node.attrs.axis ?? 0) + r) % r;
          const strides = indices.shape.map((_d, i) => indices.shape.slice(i + 1).reduce((a, b) => a * b, 1));
          const targets = new Set<string>();
          indices.data.forEach((v, flat) => {
            const coords = strides.map((s, i) => Math.floor(flat / s) % indices.shape[i]!);
            coords[axis] = v < 0 ? v + data.shape[axis]! : v;
            targets.add(coords.join(','));
          });
          expect(targets.size).toBe(indices.data.length);
        }
      }
    }
  });

  it('infers data-dependent output shapes from the constants: NonZero, Compress, TopK', () => {
    const spec = (op: string, opset: number) => registry.get(op, opset);
    const values = { dtype: 'float32' as const, shape: [5], data: new Float64Array([0, 2, 0, -1, 3]) };
    expect(inferConcrete(spec('NonZero', 13), { inputs: [{ dtype: 'float32', shape: [5] }], attrs: {}, constants: [values], opset: 13 }).outputs).toEqual([
      { dtype: 'int64', shape: [1, 3] },
    ]);
    const condition = { dtype: 'bool' as const, shape: [3], data: new Float64Array([1, 0, 1]) };
    expect(
      inferConcrete(spec('Compress', 11), { inputs: [{ dtype: 'float32', shape: [4, 3] }, { dtype: 'bool', shape: [3] }], attrs: { axis: -1 }, constants: [undefined, condition], opset: 11 })
        .outputs,
    ).toEqual([{ dtype: 'float32', shape: [4, 2] }]);
    const k = { dtype: 'int64' as const, shape: [1], data: new Float64Array([2]) };
    expect(
      inferConcrete(spec('TopK', 11), { inputs: [{ dtype: 'float32', shape: [3, 4] }, { dtype: 'int64', shape: [1] }], attrs: { axis: 1 }, constants: [undefined, k], outputCount: 2, opset: 11 })
        .outputs,
    ).toEqual([
      { dtype: 'float32', shape: [3, 2] },
      { dtype: 'int64', shape: [3, 2] },
    ]);
    // A K that is not a constant cannot give a shape.
    expect(() =>
      inferConcrete(spec('TopK', 11), { inputs: [{ dtype: 'float32', shape: [3, 4] }, { dtype: 'int64', shape: [1] }], attrs: {}, constants: [], outputCount: 2, opset: 11 }),
    ).toThrow(/constant/);
  });
});
