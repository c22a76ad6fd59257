import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { allowedSpecs, generateRandomModel, GenerationError } from '../../src/generator/random-generator.js';
import { Rng } from '../../src/generator/rng.js';
import { randomInputs } from '../../src/generator/values.js';
import { modelToJson } from '../../src/ir/json.js';
import { validateModel } from '../../src/ir/validate.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { tempDir } from '../helpers.js';

const registry = builtinRegistry();

describe('the random generator', () => {
  it('makes valid models that run on the reference and load on onnxruntime, covering every op', async () => {
    const seen = new Set<string>();
    let merges = 0;
    const seeds = 150;
    for (let seed = 0; seed < seeds; seed++) {
      const { model } = generateRandomModel({ maxNodes: 10 }, registry, new Rng(seed));
      expect(model.nodes.length).toBe(10);
      validateModel(model, registry);
      runReference(model, randomInputs(model, new Rng(`in${seed}`)));
      const session = await ort.InferenceSession.create(modelToOnnx(model, registry), { graphOptimizationLevel: 'disabled' });
      await session.release();
      for (const n of model.nodes) seen.add(n.op);
      const produced = new Set(model.nodes.flatMap((n) => n.outputs.map((o) => o.name)));
      if (model.nodes.some((n) => n.inputs.filter((i) => produced.has(i)).length >= 2)) merges++;
    }
    // Every op the default config allows: in force at opset 17 and accepting float32 (not Gelu, Not...).
    expect([...seen].sort()).toEqual([...new Set(allowedSpecs({ maxNodes: 10 }, registry).map((s) => s.name))].sort());
    expect(merges).toBeGreaterThan(seeds / 2);
  });

  it('gives the same model for the same seed, after other seeds too', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const first = modelToJson(generateRandomModel({ maxNodes: 6 }, registry, new Rng(seed)).model);
        generateRandomModel({ maxNodes: 6 }, registry, new Rng(`${seed}-other`));
        expect(modelToJson(generateRandomModel({ maxNodes: 6 }, registry, new Rng(seed)).model)).toBe(first);
      }),
      { numRuns: 40 },
    );
  });

  it('gives byte-identical files in fresh processes', () => {
    const dirs = [tempDir(), tempDir()];
    for (const dir of dirs) {
      execFileSync(process.execPath, ['dist/cli/main.js', 'gen', '--seed', '7', '--max-nodes', '8', '--out', dir]);
    }
    for (const f of ['model.json', 'model.onnx', 'inputs.json']) {
      expect(readFileSync(join(dirs[0]!, f)).equals(readFileSync(join(dirs[1]!, f)))).toBe(true);
    }
  });

  it('respects --ops and --exclude-ops and reports unknown ops', () => {
    const { model } = generateRandomModel({ maxNodes: 8, ops: ['Relu', 'Add'] }, registry, new Rng(1));
    expect(model.nodes.every((n) => n.op === 'Relu' || n.op === 'Add')).toBe(true);
    const { model: m2 } = generateRandomModel({ maxNodes: 8, excludeOps: ['Relu'] }, registry, new Rng(1));
    expect(m2.nodes.some((n) => n.op === 'Relu')).toBe(false);
    expect(() => generateRandomModel({ maxNodes: 3, ops: ['Nope'] }, registry, new Rng(1))).toThrow(GenerationError);
  });
});
