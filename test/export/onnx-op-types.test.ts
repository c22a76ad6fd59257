import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from '../../src/export/from-onnx.js';
import { graphOpTypes } from '../../src/export/onnx-op-types.js';
import { onnx } from '../../src/export/proto.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generate } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();

/** What the full ONNX schema decodes: the reference the wire reader must agree with. */
const decodedOpTypes = (bytes: Uint8Array) => (decodeOnnxModel(bytes).graph?.node ?? []).map((n) => ({ opType: n.opType ?? '', domain: n.domain ?? '' }));

describe('op types read from the ONNX wire format', () => {
  it('agree with the full decoder on generated models', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 12 }), async (seed, maxNodes) => {
        const bytes = modelToOnnx((await generate({ maxNodes }, registry, new Rng(seed))).model, registry);
        expect(graphOpTypes(bytes)).toEqual(decodedOpTypes(bytes));
      }),
      { numRuns: 40 },
    );
  });

  it("agree with the full decoder on the optimized models onnxruntime writes (its own serializer)", async () => {
    for (let seed = 0; seed < 20; seed++) {
      const bytes = modelToOnnx((await generate({ maxNodes: 8 }, registry, new Rng(seed))).model, registry);
      const path = join(tmpdir(), `tensorsmith-op-types-test-${process.pid}-${seed}.onnx`);
      try {
        const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3, optimizedModelFilePath: path });
        await session.release();
        const optimized = new Uint8Array(readFileSync(path));
        expect(graphOpTypes(optimized)).toEqual(decodedOpTypes(optimized));
      } finally {
        rmSync(path, { force: true });
      }
    }
  });

  it('list only the main graph: not the nodes of subgraphs, whatever the other fields hold', () => {
    const branch = (op: string) => ({ name: op, node: [{ opType: op, input: ['c'], output: ['o'] }] });
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      producerName: 'test',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        initializer: [{ name: 'w', dims: [2], dataType: 1, rawData: new Uint8Array(8) }],
        node: [
          { opType: 'If', input: ['c'], output: ['y'], attribute: [{ name: 'then_branch', type: 5, g: branch('Neg') }, { name: 'else_branch', type: 5, g: branch('Abs') }] },
          { opType: 'FusedConv', domain: 'com.microsoft', input: ['y', 'w'], output: ['z'], name: 'fused' },
        ],
      },
    }).finish();
    expect(graphOpTypes(bytes)).toEqual([
      { opType: 'If', domain: '' },
      { opType: 'FusedConv', domain: 'com.microsoft' },
    ]);
  });

  it('refuse bytes that end inside a field', () => {
    const bytes = modelToOnnx({ opset: 17, inputs: [{ name: 'x', dtype: 'float32', shape: [2] }], weights: [], nodes: [{ name: 'r', op: 'Relu', inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: [2] }], attrs: {} }], outputs: ['y'] }, registry);
    expect(graphOpTypes(bytes)).toEqual([{ opType: 'Relu', domain: '' }]);
    expect(() => graphOpTypes(bytes.subarray(0, bytes.length - 3))).toThrow(/ONNX model/);
  });
});
