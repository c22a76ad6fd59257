import { describe, expect, it } from 'vitest';
import { validateModel } from '../../src/opspec/validate.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { ddmin } from '../../src/reduce/ddmin.js';
import { bypassNode, coneSizes, cutAt, distancesToOutputs, withOutputs } from '../../src/reduce/graph-edits.js';
import { reinferTypes } from '../../src/reduce/types.js';
import { simplifyValues, sliceAxis } from '../../src/reduce/tensor-edits.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { tenNodeModel } from './models.js';

const registry = builtinRegistry();

describe('graph edits', () => {
  it('keeps the outputs asked for and what they need, nothing else', () => {
    const kept = withOutputs(tenNodeModel(), ['v8']);
    expect(kept.model.nodes.map((n) => n.name)).toEqual(['n0_Relu', 'n1_Add', 'n7_Abs', 'n8_Sub']);
    expect(kept.model.weights.map((w) => w.name)).toEqual(['w1']);
    expect([...kept.inputs.keys()]).toEqual(['in0']);
    validateModel(kept.model, registry);
  });

  it('cuts at a value: a new input of that name holds what the reference computed, so the outputs stay', () => {
    const test = tenNodeModel();
    const run = runReference(test.model, test.inputs, { registry });
    const cut = cutAt(test, ['v3'], run.values);
    validateModel(cut.model, registry);
    // n2 and n3 only computed v3; n0 and n1 still feed the other output.
    expect(cut.model.nodes.map((n) => n.name)).toEqual(['n0_Relu', 'n1_Add', 'n4_Tanh', 'n5_Neg', 'n6_MatMul', 'n7_Abs', 'n8_Sub', 'n9_Transpose']);
    expect(cut.model.inputs.map((i) => i.name)).toEqual(['in0', 'v3']);
    const after = runReference(cut.model, cut.inputs, { registry });
    for (const [name, t] of run.outputs) {
      const again = after.outputs.get(name)!;
      // The cut value is rounded to float32, as a SUT would be given it.
      t.data.forEach((x, i) => expect(again.data[i]).toBeCloseTo(x, 5));
    }
  });

  it('cuts every input of a node away in one step', () => {
    const test = tenNodeModel();
    const run = runReference(test.model, test.inputs, { registry });
    const cut = cutAt(withOutputs(test, ['v4']), ['v3', 'v2', 'v1', 'v0'], run.values);
    expect(cut.model.nodes.map((n) => n.op)).toEqual(['Tanh']);
    expect(cut.model.inputs.map((i) => i.name)).toEqual(['v3']);
    expect(cut.model.weights).toEqual([]);
  });

  it('bypasses a node only through an input of its own type, never making a graph input an output', () => {
    const test = tenNodeModel();
    const bypassed = bypassNode(test, 'n5_Neg', 'v4')!;
    expect(bypassed.model.nodes.map((n) => n.name)).not.toContain('n5_Neg');
    expect(bypassed.model.nodes.find((n) => n.name === 'n6_MatMul')!.inputs).toEqual(['v4', 'w2']);
    validateModel(bypassed.model, registry);
    expect(bypassNode(test, 'n9_Transpose', 'v6')).toBeUndefined();
    expect(bypassNode(withOutputs(test, ['v0']), 'n0_Relu', 'in0')).toBeUndefined();
  });

  it('measures distances to the outputs and cone sizes', () => {
    const { model } = tenNodeModel();
    const distance = distancesToOutputs(model);
    expect(distance.get('v9')).toBe(0);
    expect(distance.get('v6')).toBe(1);
    expect(distance.get('v0')).toBe(1);
    expect(distance.get('in0')).toBe(2);
    const cones = coneSizes(model);
    expect(cones.get('v0')).toBe(1);
    expect(cones.get('v4')).toBe(5);
    expect(cones.get('v9')).toBe(8);
  });

  it('re-derives output types after an input shrinks, and refuses a model that breaks a spec', () => {
    const { model } = tenNodeModel();
    const smaller = reinferTypes({ ...model, inputs: [{ name: 'in0', dtype: 'float32', shape: [1, 3, 4] }] }, registry)!;
    expect(smaller.nodes.find((n) => n.name === 'n9_Transpose')!.outputs[0]!.shape).toEqual([1, 5, 3]);
    // The last dim meets w1[4] in an Add and w2[4, 5] in a MatMul: 3 fits neither.
    expect(reinferTypes({ ...model, inputs: [{ name: 'in0', dtype: 'float32', shape: [2, 3, 3] }] }, registry)).toBeUndefined();
  });

  it('slices a tensor along an axis and simplifies values', () => {
    const t = makeTensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(Array.from(sliceAxis(t, 1, 2).data)).toEqual([1, 2, 4, 5]);
    expect(Array.from(sliceAxis(t, 0, 1).data)).toEqual([1, 2, 3]);
    const v = makeTensor('float32', [3], [0.123456, -2.71828, 3]);
    expect(Array.from(simplifyValues(v, 'integers')!.data)).toEqual([0, -3, 3]);
    expect(Array.from(simplifyValues(v, 'one-digit')!.data)).toEqual([Math.fround(0.1), -3, 3]);
    expect(simplifyValues(makeTensor('float32', [2], [0, 0]), 'zeros')).toBeUndefined();
    expect(simplifyValues(makeTensor('int64', [2], [5, 7]), 'integers')).toBeUndefined();
  });
});

describe('ddmin', () => {
  it('finds a 1-minimal subset', async () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    let tests = 0;
    const kept = await ddmin(items, async (subset) => {
      tests++;
      return subset.includes(3) && subset.includes(6);
    });
    expect(kept).toEqual([3, 6]);
    expect(tests).toBeLessThan(30);
  });

  it('tries single items first at full granularity, and stops when told', async () => {
    const tried: number[][] = [];
    const kept = await ddmin([1, 2, 3, 4], async (subset) => {
      tried.push(subset);
      return subset.includes(4);
    }, { granularity: 4 });
    expect(kept).toEqual([4]);
    expect(tried).toEqual([[1], [2], [3], [4]]);
    expect(await ddmin([1, 2, 3, 4], async () => true, { stop: () => true })).toEqual([1, 2, 3, 4]);
  });
});
