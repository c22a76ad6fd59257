import { describe, expect, it } from 'vitest';
import { modelFromJson, modelToJson, stableStringify } from '../../src/ir/json.js';
import { modelHash } from '../../src/ir/hash.js';
import { validateModel } from '../../src/opspec/validate.js';
import { ModelValidationError } from '../../src/ir/errors.js';
import { fromRawBytes, makeTensor, toRawBytes } from '../../src/ir/tensor.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { smallModel } from '../helpers.js';

const registry = builtinRegistry();

describe('model JSON', () => {
  it('round-trips to the same bytes and carries the format tag', () => {
    const text = modelToJson(smallModel());
    expect(JSON.parse(text).format).toBe('tensorsmith.model/1');
    expect(modelToJson(modelFromJson(text))).toBe(text);
  });

  it('sorts keys so that equal values give equal bytes', () => {
    expect(stableStringify({ b: 1, a: [1, 2], c: { z: 1, y: 2 } })).toBe(stableStringify({ c: { y: 2, z: 1 }, a: [1, 2], b: 1 }));
  });

  it('hashes the JSON: a changed weight changes the hash', () => {
    const m = smallModel();
    const changed = { ...m, weights: [{ name: 'w', value: makeTensor('float32', [3, 2], [1, 2, 3, 4, 5, 7]) }] };
    expect(modelHash(m)).toBe(modelHash(smallModel()));
    expect(modelHash(changed)).not.toBe(modelHash(m));
  });

  it('rejects a wrong format tag and bad JSON with a message naming the problem', () => {
    expect(() => modelFromJson('{"format": "other"}')).toThrow(/"format" must be "tensorsmith.model\/1"/);
    expect(() => modelFromJson('{oops')).toThrow(/not valid JSON/);
  });

  it('keeps exact values of every dtype through raw bytes', () => {
    for (const dtype of ['float32', 'float64', 'int32', 'int64', 'bool'] as const) {
      const t = makeTensor(dtype, [4], [1.5, -2, 0, 3]);
      expect(Array.from(fromRawBytes(dtype, [4], toRawBytes(t)).data)).toEqual(Array.from(t.data));
    }
  });
});

describe('validateModel', () => {
  it('accepts a valid model', () => {
    expect(() => validateModel(smallModel(), registry)).not.toThrow();
  });

  it('names the node and the rule for a wrong declared shape', () => {
    const m = smallModel();
    const bad = { ...m, nodes: m.nodes.map((n) => (n.name === 'mm' ? { ...n, outputs: [{ name: 'm', dtype: 'float32' as const, shape: [2, 3] }] } : n)) };
    expect(() => validateModel(bad, registry)).toThrow("node 'mm' (MatMul): output 'm' is declared float32[2, 3] but the op gives float32[2, 2]");
  });

  it('names the broken spec rule', () => {
    const m = smallModel();
    const bad = { ...m, weights: [{ name: 'w', value: makeTensor('float32', [4, 2]) }] };
    expect(() => validateModel(bad, registry)).toThrow(/node 'mm' \(MatMul\): breaks the rule: inner dims of A and B agree/);
  });

  it('rejects unknown ops, undefined inputs and duplicate names', () => {
    const m = smallModel();
    expect(() => validateModel({ ...m, nodes: [{ ...m.nodes[0]!, op: 'Frobnicate' }] }, registry)).toThrow(/unknown op 'Frobnicate'/);
    expect(() => validateModel({ ...m, nodes: [m.nodes[1]!, m.nodes[0]!, m.nodes[2]!] }, registry)).toThrow(/not defined before the node/);
    expect(() => validateModel({ ...m, inputs: [m.inputs[0]!, { ...m.inputs[1]!, name: 'x' }] }, registry)).toThrow(
      ModelValidationError,
    );
    expect(() => validateModel({ ...m, outputs: ['nope'] }, registry)).toThrow(/output 'nope'/);
  });
});
