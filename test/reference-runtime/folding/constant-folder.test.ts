import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFromOnnx, UnsupportedModelError } from '../../../src/export/from-onnx.js';
import { modelToOnnx } from '../../../src/export/to-onnx.js';
import { generate } from '../../../src/generator/generate.js';
import { Rng } from '../../../src/generator/rng.js';
import { modelToJson } from '../../../src/ir/json.js';
import { makeTensor } from '../../../src/ir/tensor.js';
import { builtinRegistry } from '../../../src/opspec/ops/index.js';
import { runReference } from '../../../src/reference-runtime/executor.js';
import { cpuConstantFolder } from '../../../src/reference-runtime/folding/constant-folder.js';
import { constInts, intAttr, node, onnxModel, stringAttr, tensorAttr, valueInfo } from './onnx-graph.js';

const registry = builtinRegistry();
const fold = cpuConstantFolder(registry);

/** torch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape. */
function flattenByView(extraOutputs: string[] = []): Uint8Array {
  return onnxModel({
    inputs: [valueInfo('x', 'float32', [2, 3, 4])],
    nodes: [
      node('Shape', ['x'], ['s']),
      constInts('zero', [], [0]),
      node('Gather', ['s', 'zero'], ['n'], [intAttr('axis', 0)]),
      constInts('axes', [1], [0]),
      node('Unsqueeze', ['n', 'axes'], ['n1']),
      constInts('minus1', [1], [-1]),
      node('Concat', ['n1', 'minus1'], ['target'], [intAttr('axis', 0)]),
      node('Reshape', ['x', 'target'], ['y'], [], 'view'),
    ],
    outputs: ['y', ...extraOutputs],
  });
}

describe('ONNX import folds shape subgraphs with the CPU kernels', () => {
  it('Shape -> Gather -> Concat -> Reshape becomes a Reshape by a fixed constant, and runs', () => {
    const model = modelFromOnnx(flattenByView(), registry, { fold });
    expect(model.nodes.map((n) => n.op)).toEqual(['Reshape']);
    // The Constants only the folded nodes read go with them; the folded shape is a fixed weight.
    expect(model.weights.map((w) => [w.name, Array.from(w.value.data), w.fixed])).toEqual([['target', [2, -1], true]]);
    expect(model.nodes[0]!.outputs[0]!.shape).toEqual([2, 12]);
    const x = makeTensor('float32', [2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    const y = runReference(model, new Map([['x', x]])).outputs.get('y')!;
    expect(y.shape).toEqual([2, 12]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });

  it('a folded value that is a graph output stays one, as a weight', () => {
    const model = modelFromOnnx(flattenByView(['target']), registry, { fold });
    expect(model.outputs).toEqual(['y', 'target']);
    expect(model.weights.find((w) => w.name === 'target')?.value.data).toEqual(Float64Array.from([2, -1]));
  });

  it("without a folder, the subgraph stays and the error says what to do", () => {
    expect(() => modelFromOnnx(flattenByView(), registry)).toThrow(
      /^node 'view' \(Reshape\): input 1 \('shape'\) must be a constant \(an initializer\); it is computed from constants by node 's' \(Shape\): import with a constant folder/,
    );
  });

  it("Resize's sizes computed from the input's shape fold", () => {
    const bytes = onnxModel({
      inputs: [valueInfo('x', 'float32', [1, 1, 2, 2])],
      nodes: [
        node('Shape', ['x'], ['s']),
        constInts('starts', [1], [0]),
        constInts('ends', [1], [2]),
        node('Slice', ['s', 'starts', 'ends'], ['nc']),
        node('Constant', [], ['hw'], [{ name: 'value_ints', type: 7, ints: [4, 4] }]),
        node('Concat', ['nc', 'hw'], ['sizes'], [intAttr('axis', 0)]),
        node('Resize', ['x', '', '', 'sizes'], ['y'], [stringAttr('mode', 'nearest')], 'resize'),
      ],
      outputs: ['y'],
    });
    const model = modelFromOnnx(bytes, registry, { fold });
    expect(model.nodes.map((n) => n.op)).toEqual(['Resize']);
    expect(model.weights.map((w) => [w.name, Array.from(w.value.data)])).toEqual([['sizes', [1, 1, 4, 4]]]);
    const x = makeTensor('float32', [1, 1, 2, 2], [1, 2, 3, 4]);
    const y = runReference(model, new Map([['x', x]])).outputs.get('y')!;
    expect(y.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(y.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('Size, Range and ConstantOfShape import as ops over the folded shapes of static inputs', () => {
    const bytes = onnxModel({
      inputs: [valueInfo('x', 'float32', [3])],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('ConstantOfShape', ['s'], ['ones'], [tensorAttr('value', 'float32', [1], [1])]),
        node('Size', ['x'], ['n']),
        constInts('zero', [], [0]),
        constInts('one', [], [1]),
        node('Range', ['zero', 'n', 'one'], ['idx']),
        node('Cast', ['idx'], ['idxf'], [intAttr('to', 1)]),
        node('Add', ['x', 'ones'], ['x1']),
        node('Add', ['x1', 'idxf'], ['y']),
      ],
      outputs: ['y'],
    });
    const model = modelFromOnnx(bytes, registry, { fold });
    // No shape slot demands them, so they stay nodes; Shape and Size of the static input fold.
    expect(model.nodes.map((n) => n.op)).toEqual(['ConstantOfShape', 'Range', 'Cast', 'Add', 'Add']);
    const y = runReference(model, new Map([['x', makeTensor('float32', [3], [10, 20, 30])]])).outputs.get('y')!;
    expect(Array.from(y.data)).toEqual([11, 22, 33]);
  });

  it('a chain whose input is a run-time value is not folded, and the error names that input', () => {
    const bytes = onnxModel({
      inputs: [valueInfo('x', 'float32', [2, 3]), valueInfo('target', 'int64', [2])],
      nodes: [constInts('one', [1], [1]), node('Mul', ['target', 'one'], ['t2']), node('Reshape', ['x', 't2'], ['y'], [], 'reshape')],
      outputs: ['y'],
    });
    let error: unknown;
    try {
      modelFromOnnx(bytes, registry, { fold });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedModelError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(
      /^node 'reshape' \(Reshape\): input 1 \('shape'\) must be a constant \(an initializer\); it depends on the values of input 'target' \(read by node 't2' \(Mul\)\), known only at run time/,
    );
  });

  it('a folded node that breaks its spec is reported on one line naming it', () => {
    const bytes = onnxModel({
      inputs: [valueInfo('x', 'float32', [2, 3])],
      nodes: [
        node('Shape', ['x'], ['s']),
        constInts('nine', [1], [9]),
        node('Gather', ['s', 'nine'], ['bad'], [], 'pick'),
        node('Reshape', ['x', 'bad'], ['y']),
      ],
      outputs: ['y'],
    });
    expect(() => modelFromOnnx(bytes, registry, { fold })).toThrow(/^node 'pick' \(Gather\): input 1 \('indices'\) holds 9, outside \[-2, 1\]$/);
  });

  it('leaves generated models as they are (export then import with folding is the identity)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 10 }), async (seed, maxNodes) => {
        const { model } = await generate({ maxNodes }, registry, new Rng(seed));
        expect(modelToJson(modelFromOnnx(modelToOnnx(model, registry), registry, { fold }))).toBe(modelToJson(model));
      }),
      { numRuns: 25 },
    );
  });
});
